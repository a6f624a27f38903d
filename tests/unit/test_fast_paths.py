"""The cheap forms of the extraction steps give the answers of the plain ones they replace."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from lxml import etree

from pipelines.pages import furniture, listing, trim
from pipelines.pages.formulas import _RENDERER, has_renderer
from pipelines.pages.html import decode_html, parse_html
from pipelines.text.fingerprints import simhash
from pipelines.text.language import (
    MAX_CHARS,
    _cleaned,
    _ngrams,
    _probabilities,
    _prose_head,
    prose_only,
    read_profiles,
)

# re.I matches "ı", "İ" to "i" and "ſ" to "s"; "K" (Kelvin) to "k".
ODD = [
    "",
    "<math>",
    "<MATH\n",
    "<mathx>",
    "class='x Math y'",
    'claſs="math"',
    'class="a-math"',
    'class="_math"',
    "KATEX",
    "\u212aatex",
    "mjx-contaİner",
    "mjx-contaıner",
    "arİthmatex",
    "ARITHMATEX",
    "data-LaTeX=",
    "data-tex =",
    "MathJax",
    "math/TeX",
    "mathematics and prices",
    "İ math class='İmath'",
    # Unicode blanks and letters around "math", which bytes alone would misread.
    "<math\u00a0display='block'>",
    "<math\u3000>",
    "class='émath'",
    "class='x\u2000math'",
    'class="数学math"',
    "Math.floor(x) + Math.random()",
]


@pytest.mark.parametrize("src", ODD)
def test_renderer_test_is_the_regex(src: str) -> None:
    assert has_renderer(src) == bool(_RENDERER.search(src))


FURNITURE_TEXTS = [
    "本文链接：https://example.com/a",
    "This work is licensed under a Creative Commons Attribution 4.0",
    "THIS POST IS LICENSED UNDER CC BY 4.0",
    "cc by-nc-sa 4.0",
    "All RİGHTS reserved",
    "Buy me a coffee",
    "SPONſOR ME",
    "Next Post",
    "上一篇",
    "Share on Twitter",
    "5 min read",
    "Posted on 2024-01-08",
    "Words: 1200",
    "1200 WORDS",
    "Last updated",
    "An ordinary sentence of prose.",
]


@pytest.mark.parametrize("text", FURNITURE_TEXTS)
def test_furniture_vocabulary_lowered_matches_the_same(text: str) -> None:
    pairs = [
        (trim._LICENCE_TEXT, trim._LICENCE_LOW),
        (trim._REWARD_TEXT, trim._REWARD_LOW),
        (trim._NAV_TEXT, trim._NAV_LOW),
        (trim._META_TEXT, trim._META_LOW),
    ]
    for plain, lowered in pairs:
        assert bool(plain.search(text)) == bool(lowered.search(trim._fold(text)))


_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", re.U)


def _simhash_per_gram(text: str) -> int:
    """SimHash as first written: one integer per 3-gram, bits counted one by one."""
    tokens = _TOKEN.findall(text.lower())
    if not tokens:
        return 0
    grams = ["".join(tokens[i : i + 3]) for i in range(max(1, len(tokens) - 2))]
    counts = [0] * 64
    for g in grams:
        h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
        for bit in range(64):
            counts[bit] += (h >> bit) & 1
    return sum(1 << bit for bit in range(64) if counts[bit] * 2 > len(grams))


@pytest.mark.parametrize(
    "text",
    ["", "a", "a b", "one two three", "你好世界，这是一段中文。", "The quick brown fox " * 40],
)
def test_simhash_bulk_is_per_gram(text: str) -> None:
    assert simhash(text) == _simhash_per_gram(text)
    assert isinstance(simhash(text), int) and not isinstance(simhash(text), np.integer)


PROSE = [
    "Generators are one of the quiet workhorses of Python, handing back one value at a time.",
    "Die Bundesregierung hat am Mittwoch einen neuen Haushaltsentwurf vorgelegt.",
    "生成器是 Python 中安静的主力，一次交回一个值，在调用者请求下一个值之前暂停。",
    "Le gouvernement a présenté mercredi un nouveau projet de budget pour l'année.",
    "ok",
]


@pytest.fixture(scope="module")
def langdetects_own() -> DetectorFactory:
    """langdetect's factory as it loads its profiles itself (dense lists)."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def test_sparse_profiles_are_langdetects(langdetects_own: DetectorFactory) -> None:
    ours = read_profiles()
    assert ours.langlist == langdetects_own.langlist
    own = langdetects_own.word_lang_prob_map
    assert set(ours.word_lang_prob_map) == set(own)
    differ = [w for w, row in own.items() if ours.word_lang_prob_map[w] != row]
    assert differ == []


@pytest.mark.parametrize("text", PROSE)
def test_language_trials_are_langdetects(text: str, langdetects_own: DetectorFactory) -> None:
    def answer(fn: Any) -> Any:
        try:
            return [(x.lang, x.prob) for x in fn(text)]
        except Exception as exc:  # the same failure is the same answer
            return type(exc).__name__

    def langdetect(text: str) -> Any:
        detector = langdetects_own.create()
        detector.append(text)
        return detector.get_probabilities()

    assert answer(_probabilities) == answer(langdetect)


# Characters langdetect's NGram.normalize and cleaning_text treat each their own way: Latin
# (and "[\\]^_`" inside "A"-"z"), Latin-1 letters and excluded signs, Romanian's comma letters,
# Farsi yeh, Vietnamese letters past U+1EA0, kana, bopomofo, CJK, Hangul, punctuation, blanks.
ODD_LETTERS = "aAbZz[]^_`é×ÉșțیạẠḀあアㄅ中丟가–’.,!09 \n\t\u0300Жж"
NGRAM_TEXTS = [
    *PROSE,
    "",
    "   ",
    "NASA and the ESA said HELLO World",
    "ạạạạạ ab",  # langdetect counts U+1EA1 as non-Latin: the Latin letters go
    "中文中文中文 with English words",
    "Tiếng Việt có dấu: người, được, những",
    "Știri și țară, یک",
]


def _langdetects_ngrams(factory: DetectorFactory, text: str) -> tuple[str, list[str]]:
    detector = factory.create()
    detector.append(text)
    appended = detector.text
    detector.cleaning_text()
    return appended, detector._extract_ngrams()


@pytest.mark.parametrize("text", NGRAM_TEXTS)
def test_ngrams_are_langdetects(text: str, langdetects_own: DetectorFactory) -> None:
    appended, theirs = _langdetects_ngrams(langdetects_own, text)
    assert _ngrams(_cleaned(appended), langdetects_own.word_lang_prob_map) == theirs


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ODD_LETTERS, max_size=80))
def test_ngrams_of_any_text_are_langdetects(text: str, langdetects_own: DetectorFactory) -> None:
    appended, theirs = _langdetects_ngrams(langdetects_own, text)
    assert _ngrams(_cleaned(appended), langdetects_own.word_lang_prob_map) == theirs


@pytest.mark.parametrize(
    "text",
    [
        "A line of prose that goes on for a while.\n" * 200,
        "x = f(y);\n" * 100 + "Prose after code, long enough to count.\n" * 100,
        "Prose first.\n" * 50 + "Costs $5 and $10.\n" + "More prose here.\n" * 200,
        "$$a\nb$$ prose\n" * 300,
        "one long line without breaks " * 200,
    ],
)
def test_prose_head_is_the_whole_texts_head(text: str) -> None:
    assert _prose_head(text) == prose_only(text)[:MAX_CHARS]


# --- card detection's per-page answers ---------------------------------------------------------

LISTINGS = sorted((Path(__file__).parent.parent / "fixtures" / "listings").glob("*/page.html"))
TRICKY = (
    "<html><body><div id='a'> one <!-- c --> two <script>var x = 'no';</script> three"
    "<style>p {}</style><p>four <b> five </b> six</p><?pi x?>seven</div>"
    "<nav class='menu'><ul><li><a href='/s/'>Section</a></li></ul></nav>"
    "<div hidden><a href='/h/'>hidden</a></div><div class='sidebar'><nav>"
    "<a href='/w/'>widget</a></nav></div><main><a href='/p/1'>Post</a></main></body></html>"
)


def _trees() -> list[Any]:
    return [parse_html(TRICKY)] + [parse_html(decode_html(p.read_bytes())[0]) for p in LISTINGS]


def test_one_pass_counts_are_each_elements_own_count() -> None:
    for tree in _trees():
        body = tree.find(".//body")
        counts = furniture._count_all(body)
        for el in body.iter():
            if isinstance(el.tag, str):
                assert counts[el] == furniture._chars(el), etree.tostring(el)[:80]


def test_answers_kept_for_a_page_are_the_answers_asked_afresh() -> None:
    """Menu, hidden and chrome answers, remembered per node while a page's links are read in
    order, are what each link gets when nothing is remembered."""
    for tree in _trees():
        anchors = list(tree.iter("a"))
        menu: dict[Any, bool] = {}
        hidden: dict[Any, bool] = {}
        kept = [
            (listing._in_menu(a, menu), listing._hidden(a, hidden), furniture.chrome_level(a))
            for a in anchors
        ]
        fresh = []
        for a in anchors:
            furniture.forget_page()
            fresh.append((listing._in_menu(a), listing._hidden(a), furniture.chrome_level(a)))
        assert kept == fresh


# Readers' comments in the shapes themes give them, beside boxes that only look alike.
COMMENTS_PAGE = (
    "<html><head><title>Soup</title></head><body><main><article><h1>Winter soup</h1>"
    + "".join(
        f"<p>Paragraph {i} of the soup recipe: leeks, potatoes and a long slow simmer that"
        " fills the kitchen with steam while the light fades outside the window.</p>"
        for i in range(6)
    )
    + '<div class="commentary"><p>A note from the editor on the history of this soup, kept'
    " as part of the article, since commentary is not a readers' comment.</p></div>"
    + '<div id="comments"><h3>3 Comments</h3><ol class="commentlist"><li>Anna: lovely!</li>'
    "<li>Ben: I added thyme and it was even better the next day.</li></ol></div>tail kept"
    + '<section class="comments-area"><p>Carl: too salty for me.</p></section>'
    + '<div class="post-comments"><span>Dora: made it twice.</span></div>'
    + '<ul id="comment-list"><li>Eve: cheap and warm.</li></ul>'
    + '<div id="disqus_thread"><p>Fay: via disqus.</p></div>'
    + '<ol id="disqus_thread"><li>an ordered list named like the disqus box</li></ol>'
    + "</article></main></body></html>"
)


def test_comment_cut_is_part_of_trafilaturas_own() -> None:
    """What ``drop_comment_sections`` removes trafilatura (comments off) removes anyway, so
    its text is the same with the cut made first."""
    from pipelines.pages.article import main_text

    cut = parse_html(COMMENTS_PAGE)
    trim.drop_comment_sections(cut, COMMENTS_PAGE)
    kept = etree.tostring(cut, encoding=str)
    for gone in ("Anna", "Carl", "Dora", "Eve", "Fay"):
        assert gone not in kept
    assert "commentary is not" in kept and "tail kept" in kept
    assert "named like the disqus box" in kept  # an <ol> is a comment list only by its words
    whole = parse_html(COMMENTS_PAGE)
    url = "https://blog.example/soup/"
    assert main_text(cut, url) == main_text(whole, url)
    assert main_text(cut, url, fast=False) == main_text(whole, url, fast=False)


def test_comment_cut_leaves_a_forum_thread_whole() -> None:
    """A thread's posts sit in comment boxes, and trafilatura keeps them there."""
    page = COMMENTS_PAGE.replace(
        "<head>",
        '<head><script type="application/ld+json">'
        '{"@type": "DiscussionForumPosting", "headline": "Winter soup"}</script>',
    )
    tree = parse_html(page)
    before = etree.tostring(tree)
    trim.drop_comment_sections(tree, page)
    assert etree.tostring(tree) == before


_LISTING_POSSIBLE = etree.XPath(
    "count(//body//*[self::h1 or self::h2 or self::h3 or self::h4][.//a[@href]]) >= 3"
    " or count(//body//article[(.//h1 or .//h2 or .//h3 or .//h4) and .//a[@href]]) >= 3"
)


def test_listing_possible_is_the_xpath_count() -> None:
    from pipelines.pages.article import listing_possible

    pages = [*_trees(), parse_html(COMMENTS_PAGE)]
    pages.append(parse_html("<html><body><h2><a href='/a'>A</a></h2></body></html>"))
    answers = [listing_possible(tree) for tree in pages]
    assert answers == [bool(_LISTING_POSSIBLE(tree)) for tree in pages]
    assert True in answers and False in answers


_AUTHOR_LINKS = etree.XPath(
    "//body//*[self::main or self::article or @role='main']//a[@href]"
    "[contains(@href, 'author') or contains(@href, 'autor') or contains(@href, 'auteur')"
    " or contains(@href, 'people') or contains(@href, 'profile') or contains(@href, 'staff')"
    " or contains(@href, 'writer') or contains(@href, 'columnist')"
    " or contains(@href, 'journalist') or contains(@href, 'reporter')"
    " or contains(@href, 'redakteur') or contains(@href, '/by/') or contains(@href, '/@')]"
)
AUTHOR_LINKS_PAGE = (
    "<html><body><nav><a href='/author/site-owner/'>Owner</a></nav>"
    "<div role='main'><a href='/people/ann/'>Ann</a><a href='/Author/Big/'>Big</a></div>"
    "<main><article><a href='/by/bo/'>Bo</a><a href='/@cy'>Cy</a><a>no href</a>"
    "<a href='/tags/x/'>x</a></article><a href='/staff/dee/'>Dee</a></main>"
    "<aside><a href='/writer/eve/'>Eve</a></aside></body></html>"
)


def test_author_page_links_are_the_xpaths() -> None:
    from pipelines.pages.metadata import _may_be_author_page

    pages = [*_trees(), parse_html(AUTHOR_LINKS_PAGE)]
    for tree in pages:
        assert [a for a in tree.iter("a") if _may_be_author_page(a)] == _AUTHOR_LINKS(tree)
    shown = [a.text for a in parse_html(AUTHOR_LINKS_PAGE).iter("a") if _may_be_author_page(a)]
    assert shown == ["Ann", "Bo", "Cy", "Dee"]


META_SCANS_PAGE = (
    '<!-- before: dc:date="2020-01-01" --><html><head><title>t</title>'
    "<abbr class='published' title='in head'></abbr><!-- head --></head><body>"
    "<abbr class='published' title='2021-02-03'>x</abbr><abbr class='updated' title='no'></abbr>"
    "<abbr class='published'>no title</abbr><time datetime=''>empty</time><time pubdate>p</time>"
    "<time>bare</time><div class='post-categories'><a rel='tag category'>C</a></div>"
    "<a href='/category/x/'>X</a><span id='topCategory'>y</span>"
    "<nav class='breadcrumb' itemtype='https://schema.org/BreadcrumbList'>"
    "<a>h</a><a href='/cat/z/'>Z</a></nav>"
    '<!-- dc:date="2022-03-04" --></body></html><!-- after -->'
)


@pytest.mark.parametrize(
    ("tags", "xpath"),
    [
        (("abbr", "time"), "//body//abbr | //body//time"),
        (("a",), "//body//a"),
        (("html", "body", "head"), "//body//html | //body//body | //body//head"),
    ],
)
def test_body_iter_is_the_xpath(tags: tuple[str, ...], xpath: str) -> None:
    from pipelines.pages.html import body_iter

    for tree in [*_trees(), parse_html(META_SCANS_PAGE)]:
        assert list(body_iter(tree, *tags)) == tree.xpath(xpath)
        assert list(body_iter(tree.find(".//body"), *tags)) == tree.xpath(xpath)


def test_comments_are_every_comment_in_order() -> None:
    from pipelines.pages.html import markup_comments

    for tree in [*_trees(), parse_html(META_SCANS_PAGE), parse_html(COMMENTS_PAGE)]:
        assert list(markup_comments(tree)) == tree.xpath("//comment()")
    found = [c.text for c in markup_comments(parse_html(META_SCANS_PAGE))]
    assert found[0].startswith(" before") and found[-1] == " after "


def test_category_and_date_scans_find_what_the_xpaths_did() -> None:
    from pipelines.pages import metadata

    tree = parse_html(META_SCANS_PAGE)
    assert metadata.published(tree, [], UTC) == datetime(2021, 2, 3, tzinfo=UTC)
    assert metadata._breadcrumb_category(tree) == "Z"
    # rel="category" first; then a box named for categories; then a category link.
    assert metadata.category(tree) == "C"
    no_rel = parse_html(META_SCANS_PAGE.replace("rel='tag category'", "rel='tag'"))
    assert metadata.category(no_rel) == "C"
    no_box = parse_html(
        META_SCANS_PAGE.replace("rel='tag category'", "").replace("post-categories", "x")
    )
    assert metadata.category(no_box) == "X"


# --- the page's paragraph prose ----------------------------------------------------------------

ARTICLE_PAGES = sorted((Path(__file__).parent.parent / "fixtures" / "articles").glob("*/page.html"))
LONG = "A paragraph long enough to count as prose on its own, well past eighty characters."
PROSE_PAGE = (
    f"<html class='comment'><body><p>{LONG}</p>"
    f"<div class='comments'><div><p>{LONG} one</p></div></div>"
    f"<section id='comment-7'><p>{LONG} two</p></section>"
    f"<div class='Comment'><p>{LONG} three</p></div>"  # contains() is case-sensitive
    f"<div class='x'><p>short</p><p>{LONG} four</p></div></body></html>"
)


def test_paragraph_prose_leaves_out_what_the_comment_xpath_did() -> None:
    from pipelines.pages.article import paragraph_prose
    from pipelines.pages.judgement import weighted_length

    xpath = etree.XPath(
        "/descendant::body/descendant::*[contains(@class, 'comment') or contains(@id, 'comment')]"
    )

    def listed_first(tree: Any) -> int:
        comments = set(xpath(tree))
        total = 0
        for p in tree.iter("p"):
            length = weighted_length(" ".join(p.text_content().split()))
            if length >= 80 and not any(a in comments for a in p.iterancestors()):
                total += length
        return total

    pages = [PROSE_PAGE, TRICKY, *(decode_html(p.read_bytes())[0] for p in ARTICLE_PAGES)]
    for html in pages:
        tree = parse_html(html)
        assert paragraph_prose(tree) == listed_first(tree)
    # The first paragraph, "three" and "four" count; <html>'s class is outside <body>.
    assert paragraph_prose(parse_html(PROSE_PAGE)) == 3 * len(LONG) + len(" three four")
