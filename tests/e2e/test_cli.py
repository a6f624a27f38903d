"""``scrapy cards`` and ``scrapy article``: the contract of cli.md."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, ROOT, read_meta

ARTICLE_FIELDS = {
    "url",
    "title",
    "author",
    "published",
    "category",
    "tags",
    "text",
    "lang",
    "lang_prob",
    "code_blocks",
    "formulas",
    "content_hash",
}


def scrapy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("layout", ["cnblogs", "news-gbk", "hexo-next"])
def test_cards_prints_the_expected_json_lines(layout: str) -> None:
    folder = FIXTURES / "listings" / layout
    result = scrapy("cards", str(folder / "page.html"), "--url", read_meta(folder)["url"])
    assert result.returncode == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    want = [
        json.loads(line) for line in (folder / "expected.jsonl").read_text("utf-8").splitlines()
    ]
    assert got == want


def test_cards_reads_gzip_and_file_urls(tmp_path: Path) -> None:
    folder = FIXTURES / "listings" / "wordpress-twentysixteen"
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(gzip.compress((folder / "page.html").read_bytes()))
    url = read_meta(folder)["url"]
    a = scrapy("cards", str(packed), "--url", url)
    b = scrapy("cards", (folder / "page.html").as_uri(), "--url", url)
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout and a.stdout.count('"kind": "card"') == 11


def test_cards_over_http(serve: Any) -> None:
    base, _ = serve(ROOT / "crawler" / "demo" / "site")
    result = scrapy("cards", base)
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [x["kind"] for x in lines].count("card") == 11
    assert lines[-1] == {"kind": "next", "url": base + "page/2/"}
    assert all(x["title"] is None for x in lines if x["kind"] == "card")


def test_page_without_cards_prints_nothing() -> None:
    folder = FIXTURES / "articles" / "nonarticle-about"
    result = scrapy("cards", str(folder / "page.html"), "--url", read_meta(folder)["url"])
    assert result.returncode == 0 and result.stdout == ""


def test_article_prints_the_record() -> None:
    folder = FIXTURES / "articles" / "zhihu-column-zh"
    result = scrapy("article", str(folder / "page.html"), "--url", read_meta(folder)["url"])
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert set(record) == ARTICLE_FIELDS
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    assert record["title"] == expected["title"] and record["formulas"] == expected["formulas"]
    assert "[公式]" not in record["text"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["article", "/no/such/file.html"], "cannot read"),
        (["cards", "http://127.0.0.1:9/"], "cannot fetch"),
        (["article", "x.html", "y.html"], "exactly one SOURCE"),
    ],
)
def test_unreadable_source_is_one_sentence(args: list[str], message: str) -> None:
    result = scrapy(*args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_article_of_a_page_a_crawl_refuses_shows_it_and_says_why() -> None:
    """Readable but no article: the record the page gives, the crawl's verdict on stderr,
    exit 0; a page that cannot be read is the only non-zero exit."""
    folder = FIXTURES / "articles" / "nonarticle-blog-home"
    result = scrapy("article", str(folder / "page.html"), "--url", read_meta(folder)["url"])
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)) == ARTICLE_FIELDS
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Not stored by a crawl, not an article: a listing page")
    assert "Traceback" not in result.stderr
