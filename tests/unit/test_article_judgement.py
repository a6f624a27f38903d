"""Is it one article? Related-story blocks do not make a listing; short news items are
articles; a real listing (cards in the text) is still rejected."""

from __future__ import annotations

from datetime import UTC, datetime

from pipelines.model import ArticlePage
from pipelines.pages.article import ArticleRecord, NotAnArticle, extract_article
from pipelines.pages.extract import refused_record
from pipelines.pages.html import parse_html
from pipelines.pages.judgement import declares_article, shown_in_text, weighted_length

STORY = "".join(
    f"<p>Paragraph {i} of the story: the council met on Tuesday and agreed, after a long"
    f" debate about the budget, to rebuild the old bridge over the river by next spring.</p>"
    for i in range(5)
)


def teasers(n: int) -> str:
    return "".join(
        f'<div class="teaser"><h3><a href="/news/other-{i}/">Other headline number {i} of'
        f" the day</a></h3><p>Teaser {i}: a short summary of another story on the site that"
        " readers might also like.</p></div>"
        for i in range(n)
    )


def test_related_stories_do_not_make_a_listing() -> None:
    html = (
        '<html><head><title>Bridge to be rebuilt</title><meta property="og:type"'
        ' content="article"></head><body><main><article><h1>Bridge to be rebuilt</h1>'
        f"{STORY}</article><section><h2>More news</h2>{teasers(12)}</section></main>"
        "</body></html>"
    )
    record = extract_article("https://news.example/local/bridge/", html)
    assert isinstance(record, ArticleRecord), record


def test_a_listing_is_still_a_listing() -> None:
    html = (
        "<html><head><title>Local news</title></head><body><main><h1>Local news</h1>"
        f"{teasers(10)}</main></body></html>"
    )
    record = extract_article("https://news.example/local/", html)
    assert isinstance(record, NotAnArticle)
    assert "listing" in record.reason


def test_short_cjk_news_item_is_an_article() -> None:
    item = (
        "本报讯 "
        + "市政府昨日宣布，老城区的石桥将在明年春天之前完成重建工程，届时两岸居民出行将更加方便。"
        * 2
    )
    html = (
        f"<html><head><title>石桥将重建</title></head><body><article><h1>石桥将重建</h1>"
        f"<p>{item}</p></article></body></html>"
    )
    assert len(item) < 200
    record = extract_article("https://news.example/zh/bridge/", html)
    assert isinstance(record, ArticleRecord), record


def test_weighted_length_counts_cjk_triple() -> None:
    assert weighted_length("abc") == 3
    assert weighted_length("石桥") == 6


def test_declares_article() -> None:
    og = parse_html('<html><head><meta property="og:type" content="article"></head></html>')
    ld = parse_html(
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "WebPage"},'
        ' {"@type": ["NewsArticle"]}]}</script></head></html>'
    )
    home = parse_html('<html><head><meta property="og:type" content="website"></head></html>')
    assert declares_article(og) and declares_article(ld)
    assert not declares_article(home)


def test_cards_outside_the_text_do_not_count() -> None:
    cards = [("Other headline one", "x"), ("Other headline two", ""), ("In the text", "")]
    assert shown_in_text(cards, "Story.\nIn the text\nMore story.") == (1, len("In the text"))


def test_short_item_that_declares_itself_an_article_is_kept() -> None:
    caption = "The captain explains on video how the final over was planned and bowled."
    html = (
        '<html><head><title>Final over</title><meta property="og:type" content="article">'
        f"</head><body><article><h1>Final over</h1><p>{caption} {caption}</p></article>"
        "</body></html>"
    )
    assert 100 <= len(caption) * 2 + 1 < 200
    assert isinstance(extract_article("https://news.example/video/over/", html), ArticleRecord)
    undeclared = html.replace('<meta property="og:type" content="article">', "")
    record = extract_article("https://news.example/video/over/", undeclared)
    assert isinstance(record, NotAnArticle) and "too short" in record.reason


def test_comment_counter_above_the_story_does_not_cut_it() -> None:
    html = (
        "<html><head><title>Bridge to be rebuilt</title></head><body>"
        '<nav><a href="/">Home</a><a href="/news/">News</a><a href="/sport/">Sport</a></nav>'
        '<div class="wrap"><div class="count"><a href="#c"></a><div class="label">comments</div>'
        f"</div><h1>Bridge to be rebuilt</h1><div>{STORY}</div></div></body></html>"
    )
    record = extract_article("https://news.example/local/bridge/", html)
    assert isinstance(record, ArticleRecord), record
    assert record.text.count("Paragraph") == 5


def test_comments_heading_after_the_story_still_ends_it() -> None:
    html = (
        "<html><head><title>Bridge to be rebuilt</title></head><body><div class='post'>"
        f"<h1>Bridge to be rebuilt</h1>{STORY}<h3>Comments</h3>"
        "<div><p>Reader one wrote a long comment about how the bridge should have been"
        " rebuilt years ago, and that the council is late as always with these works.</p></div>"
        "</div></body></html>"
    )
    record = extract_article("https://news.example/local/bridge/", html)
    assert isinstance(record, ArticleRecord), record
    assert "Reader one" not in record.text


def test_full_pass_only_for_short_or_thin_text() -> None:
    from pipelines.pages.article import needs_full_pass

    prose = "A long line of prose that goes on for well over eighty characters, as articles do. "
    assert needs_full_pass("Short teaser.", 200)
    assert needs_full_pass(prose * 5, 200)  # under 1,000 characters
    assert needs_full_pass("\n".join(["Home", "News", "Sport", "Weather"] * 80), 200)
    assert not needs_full_pass("\n".join([prose * 3] * 6), 200)


def test_cards_are_not_looked_for_on_plain_prose(monkeypatch) -> None:
    import pipelines.pages.listing as listing

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("card detection ran on a page of plain prose")

    html = (
        '<html><head><title>Bridge to be rebuilt</title><meta property="og:type"'
        ' content="article"></head><body><main><article><h1>Bridge to be rebuilt</h1>'
        f"{STORY * 2}</article></main><aside>{teasers(6)}</aside></body></html>"
    )
    monkeypatch.setattr(listing, "detect_cards", refuse)
    record = extract_article("https://news.example/local/bridge/", html)
    assert isinstance(record, ArticleRecord), record
    # Without the declaration the cards are looked for (and the test double says so).
    undeclared = html.replace('<meta property="og:type" content="article">', "")
    try:
        extract_article("https://news.example/local/bridge/", undeclared)
    except AssertionError as exc:
        assert "card detection ran" in str(exc)
    else:
        raise AssertionError("cards were not looked for on an undeclared page")


def test_a_refused_page_still_gives_its_record_when_asked() -> None:
    def page(body: bytes, kind: str = "text/html") -> ArticlePage:
        return ArticlePage("http://x.invalid/a", body, kind, 200, datetime.now(UTC))

    short = b"<html><head><title>Lazy</title></head><body><h1>Lazy</h1><p>Case 1</p></body></html>"
    got = refused_record(page(short))
    assert got is not None
    record, reason = got
    assert (record.title, record.text) == ("Lazy", "Case 1")
    assert reason.startswith("main text too short")
    story = "<p>" + "A sentence of the story that goes on and on. " * 30 + "</p>"
    article = f"<html><head><title>T</title></head><body><h1>T</h1>{story}</body></html>"
    assert refused_record(page(article.encode())) is None
    assert refused_record(page(b"   ")) is None
    assert refused_record(page(b"%PDF", "application/pdf")) is None
