"""Why a listing page shows no cards, guessed from the page: the clause of the verdict."""

from __future__ import annotations

from crawler.extensions.diagnosis import no_cards_cause
from tests.e2e.test_verdicts import JS_APP


def test_a_javascript_app() -> None:
    assert "JavaScript app" in no_cards_cause(JS_APP.encode())


def test_a_login_wall() -> None:
    page = b"<html><title>Sign in</title><form><input type=password name=p></form></html>"
    assert "login wall" in no_cards_cause(page)


def test_a_block_page() -> None:
    page = b"<html><title>Just a moment...</title><p>Checking your browser</p></html>"
    assert "block page" in no_cards_cause(page, 403)


def test_plain_html_without_cards() -> None:
    page = b"<html><body>" + b"<p>About us. We write about many things here.</p>" * 30
    assert "no article cards were found in its HTML" in no_cards_cause(page + b"</body></html>")
