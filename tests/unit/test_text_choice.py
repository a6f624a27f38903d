"""Which text is the story: the full pass against the fast one, and a script-built page's
data when its HTML holds too little."""

from __future__ import annotations

import json

from pipelines.pages.article import (
    ArticleRecord,
    description_lead,
    extract_article,
    needs_full_pass,
    paragraph_prose,
    prefer_retry,
    shown_description,
)
from pipelines.pages.html import parse_html
from pipelines.pages.scripted import script_held_story

PROSE = "A long line of prose that goes on for well over eighty characters, as articles do. "
STORY = [
    f"Paragraph {i}: the council met on Monday and agreed to rebuild the old bridge over the"
    " river, at a cost the treasurer called large but bearable for a town of this size."
    for i in range(6)
]


def test_text_under_a_third_of_the_paragraph_prose_gets_a_full_pass() -> None:
    text = "\n".join([PROSE * 3] * 6)  # about 1,500 characters of long lines
    assert not needs_full_pass(text, 200)
    assert not needs_full_pass(text, 200, prose=4000)
    assert needs_full_pass(text, 200, prose=6000)


def test_paragraph_prose_counts_long_paragraphs_only() -> None:
    tree = parse_html(
        "<html><body><p>Share</p><p>Menu</p>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</body></html>"
    )
    assert paragraph_prose(tree) == sum(len(p) for p in STORY)
    # Readers' comments are no part of the story the text should hold.
    comments = "".join(f'<li class="comment"><p>{p}</p></li>' for p in STORY)
    tree = parse_html(f"<html><body><p>{STORY[0]}</p><ol>{comments}</ol></body></html>")
    assert paragraph_prose(tree) == len(STORY[0])


def test_description_lead_needs_a_real_description() -> None:
    tree = parse_html('<html><head><meta name="description" content="Read more"></head></html>')
    assert description_lead(tree) == ""
    tree = parse_html(
        '<html><head><meta property="og:description" content="Gun control advocates are'
        ' looking for new options, including some  tech strategies."></head></html>'
    )
    assert description_lead(tree) == "gun control advocates are looking for new options,"


def test_the_text_holding_the_description_wins_over_a_longer_one() -> None:
    lead = "gun control advocates are looking for new options,"
    story = "Gun control advocates are looking for new options, including tech. " * 5
    comments = "Recent comments on our stories\n" + "You have GOT to be kidding...\n" * 20
    assert prefer_retry(comments, None, story, None, lead)
    assert not prefer_retry(story, None, comments, None, lead)
    # Little more than the description itself: the much longer text is the story.
    teaser = "Gun control advocates are looking for new options, including tech."
    assert prefer_retry(teaser, None, "\n".join(STORY * 3), None, lead)
    # No description to go by: longer wins unless it turns the page into a listing.
    assert prefer_retry("short", None, "longer text", None, "")
    assert not prefer_retry("short", None, "longer text", "a listing page", "")


def _shell(script: str, head: str = "") -> str:
    return (
        f"<html><head><title>Bridge to be rebuilt</title>{head}</head><body>"
        f'<div id="root"></div><script>{script}</script></body></html>'
    )


def test_story_held_in_a_script_state_is_read() -> None:
    state = {"detail": {"title": "Bridge", "contentHtml": "".join(f"<p>{p}</p>" for p in STORY)}}
    html = _shell(f"window.__STATE__ = {json.dumps(state)};")
    assert "u003cp" not in html  # json.dumps keeps "<": also the escaped form below
    escaped = _shell("window.q.push(" + json.dumps(state).replace("<", "\\u003c") + ")")
    for page in (html, escaped):
        record = extract_article("https://news.example/local/bridge/", page)
        assert isinstance(record, ArticleRecord), record
        assert record.text.count("Paragraph") == 6
        assert record.text.startswith("Paragraph 0: the council met on Monday")


def test_json_ld_article_body_of_a_script_built_page() -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": "\n".join(STORY)}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    page = _shell("var x = 1;", head)
    record = extract_article("https://news.example/local/bridge/", page)
    assert isinstance(record, ArticleRecord), record
    assert all(p in record.text for p in STORY)
    held = script_held_story(parse_html(page), [ld])
    assert held is not None and held.count("<p>") == 6


def test_no_story_in_short_or_paragraphless_scripts() -> None:
    tree = parse_html(_shell('var config = {"theme": "' + "dark " * 200 + '"};'))
    assert script_held_story(tree) is None


CAPTION = (
    "The home side's opener had his second wicket in as many balls when the captain left"
    " a ball swinging back into the stumps"
)


def _clip(og_type: str) -> str:
    """A news video page: a heading, the clip's caption, and a rail of other clips."""
    rail = "".join(
        f'<li><a href="/video/other-{i}">Other clip {i}</a><p>Teaser {i} for another clip.</p></li>'
        for i in range(2)
    )
    return (
        f'<html><head><title>Unbelievable leave</title><meta property="og:type" content="{og_type}">'
        f'<meta name="description" content="{CAPTION}"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>Unbelievable leave</h1><div class='player'></div><p>{CAPTION}</p></article>"
        f"<aside><ul>{rail}</ul></aside></body></html>"
    )


def test_a_video_page_with_its_caption_is_a_short_news_item() -> None:
    record = extract_article("https://sport.example/video/unbelievable-leave", _clip("video.other"))
    assert isinstance(record, ArticleRecord), record
    assert record.text == CAPTION
    # The same page declaring nothing stays under the length an undeclared article needs.
    other = extract_article("https://sport.example/video/unbelievable-leave", _clip("website"))
    assert not isinstance(other, ArticleRecord)
    assert other.reason.startswith("main text too short")


def test_the_paragraph_showing_the_description_is_found() -> None:
    tree = parse_html(_clip("video.other"))
    lead = description_lead(tree)
    assert shown_description(tree, lead) == CAPTION
    assert shown_description(tree, "") is None
    assert (
        shown_description(parse_html("<html><body><p>Other words</p></body></html>"), lead) is None
    )
