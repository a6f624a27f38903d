"""Article furniture (licence, reward, toc, prev/next, post-meta, related, share, permalinks)
out of the text; the author's prose that merely mentions such words stays."""

from __future__ import annotations

import pytest

from pipelines.pages.article import ArticleRecord, extract_article

P1 = (
    "<p>Last month I decided to write down every small purchase I made, and the biggest"
    " surprise was not rent or groceries but coffee on the way to the office each day.</p>"
)
P2 = (
    "<p>I have not given up the cafe entirely. Instead I bought a simple hand grinder and a"
    " pour-over cone, and on most days I make coffee at home before leaving for work.</p>"
)
P3 = (
    "<p>The ritual takes five minutes, the coffee is honestly better, and the visits to the"
    " cafe have become a treat at the end of the week rather than a daily habit.</p>"
)

FURNITURE = {
    "licence-zh": (
        '<div class="post-copyright"><div><span>本文作者: </span><a href="/">Corpus Editors</a>'
        '</div><div><span>本文链接: </span><a href="/p/1/">https://blog.example/p/1/</a></div>'
        "<div><span>版权声明: </span>本博客所有文章除特别声明外，均采用 "
        '<a href="https://creativecommons.org/licenses/by-nc-sa/4.0/">CC BY-NC-SA 4.0</a>'
        " 许可协议。转载请注明来源！</div></div>",
        ["本文作者", "版权声明", "许可协议"],
    ),
    "licence-en": (
        '<p><a rel="license" href="https://creativecommons.org/licenses/by/4.0/">'
        '<img alt="Creative Commons License" src="/cc.png"></a><br>This work is licensed under'
        ' a <a href="https://creativecommons.org/licenses/by/4.0/">Creative Commons'
        " Attribution 4.0 International License</a>.</p>",
        ["licensed under"],
    ),
    "reward": (
        '<div class="reward-container"><div>请我喝杯咖啡吧～</div><button>打赏</button>'
        '<div id="qr"><img src="/wechat.png" alt="微信支付"><span>微信支付</span></div></div>',
        ["请我喝", "微信支付"],
    ),
    "toc": (
        '<nav class="post-toc"><ol><li><a href="#a">Why coffee</a></li>'
        '<li><a href="#b">The grinder</a></li><li><a href="#c">Results</a></li></ol></nav>',
        ["The grinder"],
    ),
    "prev-next": (
        '<div class="post-nav"><a href="/p/0/" rel="prev">« Older: Winter soup</a>'
        '<a href="/p/2/" rel="next">Newer: Balcony garden »</a></div>',
        ["Winter soup", "Balcony garden"],
    ),
    "post-meta": (
        '<div class="info-line"><span>发表于 2024-01-22</span> · <span>本文字数: 1.2k</span>'
        " · <span>阅读时长 ≈ 2 分钟</span></div>",
        ["本文字数", "阅读时长"],
    ),
    "reading-time-en": (
        "<div><span>Posted on January 22, 2024</span> · <span>5 min read</span></div>",
        ["min read", "Posted on"],
    ),
    "related": (
        '<section class="related-posts"><h3>Related</h3><ul>'
        '<li><a href="/p/7/">Balcony garden notes</a></li>'
        '<li><a href="/p/8/">Winter soup recipe</a></li></ul></section>',
        ["Balcony garden notes"],
    ),
    "share": (
        '<div class="share-bar"><span>Share this:</span><a href="https://x.example/s">X</a>'
        '<a href="https://fb.example/s">Facebook</a><a href="mailto:?">Email</a></div>',
        ["Share this", "Facebook"],
    ),
}


def extract(body: str) -> ArticleRecord:
    html = (
        "<html><head><title>What coffee costs</title></head><body><article>"
        f'<h1>What coffee costs<a class="headerlink" href="#top">¶</a></h1>{body}'
        "</article></body></html>"
    )
    record = extract_article("https://blog.example/p/1/", html)
    assert isinstance(record, ArticleRecord), record
    return record


@pytest.mark.parametrize("name", sorted(FURNITURE))
@pytest.mark.parametrize("where", ["head", "tail"])
def test_furniture_leaves_the_text(name: str, where: str) -> None:
    box, words = FURNITURE[name]
    body = box + P1 + P2 + P3 if where == "head" else P1 + P2 + P3 + box
    record = extract(body)
    for word in words:
        assert word not in record.text, (name, record.text)
    for prose in ("biggest surprise", "hand grinder", "treat at the end"):
        assert prose in record.text, (name, record.text)


def test_heading_permalink_glyph_goes() -> None:
    record = extract(P1 + '<h2>The grinder<a class="anchor" href="#grinder">#</a></h2>' + P2 + P3)
    assert "The grinder" in record.text
    assert "¶" not in record.text and "grinder#" not in record.text


def test_prose_that_mentions_furniture_words_stays() -> None:
    prose = (
        "<p>Last year I read that this work is licensed under a Creative Commons licence, and"
        " in the previous post I wrote about why all rights reserved is a poor default for a"
        " blog; 上一篇文章里我也提到过打赏按钮，其实很少有人点。 The rest of this paragraph keeps"
        " going so that it is clearly the author's own long writing.</p>"
    )
    record = extract(P1 + prose + P2)
    assert "licensed under a Creative Commons licence" in record.text
    assert "上一篇文章里我也提到过打赏按钮" in record.text


COMMENTED = (
    "<html><head><title>Coffee at home</title></head><body><article><h1>Coffee at home</h1>"
    + P1
    + P2
    + P3
    + '<div id="comments"><div class="comment-body"><p>Reader Ann: I switched to a moka pot'
    " last winter and never looked back, it is cheaper than the cafe and just as good.</p>"
    "</div></div></article></body></html>"
)


def test_readers_comments_stay_out_of_the_text() -> None:
    record = extract_article("https://blog.example/p/1/", COMMENTED)
    assert isinstance(record, ArticleRecord)
    assert "ritual takes five minutes" in record.text
    assert "moka pot" not in record.text


def test_a_site_body_selector_may_point_into_comment_boxes() -> None:
    from pipelines.pages.sites import SiteConfig

    site = SiteConfig(name="odd", body="div.comment-body")
    record = extract_article("https://blog.example/p/1/", COMMENTED, site=site, min_chars=50)
    assert isinstance(record, ArticleRecord)
    assert "moka pot" in record.text
