"""Author and title in the shapes news and blog pages write them (HTML in, value out)."""

from __future__ import annotations

import json

import pytest

from pipelines.pages import metadata
from pipelines.pages.html import parse_html

PROSE = (
    "<p>The council met on Tuesday evening to discuss the new budget, which has been"
    " delayed for three months because of disagreements over school funding.</p>"
)
PROSE_ZH = "<p>近年来，这一社会群体作为新时期改革成本的承担者已越来越引人注目，他们的生活保障成为焦点。</p>"


def _page(head: str = "", body: str = "", title: str = "T") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def _ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def _author(head: str = "", body: str = "", title: str = "T") -> str | None:
    return metadata.author(parse_html(_page(head, body, title)))


def _title(head: str = "", body: str = "", title: str = "T") -> str | None:
    return metadata.title(parse_html(_page(head, body, title)))


# --- author --------------------------------------------------------------------------------


def test_article_author_meta_names_are_read() -> None:
    for key in ("articleAuthor", "article.author", "sailthru.author", "parsely-author"):
        head = f'<meta name="{key}" content="Jane Doe">'
        assert _author(head, f"<article>{PROSE}</article>") == "Jane Doe", key
    head = '<meta name="DC.creator" content="Jane Doe">'
    assert _author(head, PROSE) == "Jane Doe"


def test_publisher_or_site_name_is_not_the_author() -> None:
    head = (
        '<meta name="author" content="Daily Planet"><meta name="publisher" content="Daily Planet">'
    )
    body = (
        f'<article><h1>T</h1><p class="meta">von <a href="/a/1">Max Kolter</a></p>{PROSE}</article>'
    )
    assert _author(head, body) == "Max Kolter"
    # A JSON-LD organisation named like the site gives way to the name signing the story.
    head = _ld(
        {
            "@type": "NewsArticle",
            "author": {"@type": "Organization", "name": "Planet"},
            "publisher": {"@type": "Organization", "name": "Daily Planet"},
        }
    )
    body = f'<article>{PROSE}<p style="text-align:right;"><strong>Lê Phương</strong></p></article>'
    assert _author(head, body) == "Lê Phương"
    # Several <meta name=author>: the first is the site's.
    head = (
        '<meta property="og:site_name" content="Planet"><meta name="author" content="Planet">'
        '<meta name="author" content="신현주 기자">'
    )
    assert _author(head, PROSE) == "신현주"


def test_a_site_name_stays_the_author_when_nothing_else_names_one() -> None:
    head = '<meta name="author" content="Elena Petrova">'
    assert _author(head, PROSE, title="A post | Elena Petrova") == "Elena Petrova"


def test_several_names_in_one_string_are_split() -> None:
    cases = {
        "Mamokete Modiba, Claire Benit-Gbaffou, Sarah Charlton and Tanya Zack": (
            "Mamokete Modiba, Claire Benit-Gbaffou, Sarah Charlton, Tanya Zack"
        ),
        "Trine Juncher Jørgensen og Tôrtia Reimer-Johansen ": (
            "Trine Juncher Jørgensen, Tôrtia Reimer-Johansen"
        ),
        "Elena Oberholzer (obe), Oliver Maksan (oma)": "Elena Oberholzer, Oliver Maksan",
        "Povilas Aleksandravičius, Mykolo Romerio universiteto Žmogaus ir visuomenės studijų"
        " fakulteto profesorius, Lrt.lt": "Povilas Aleksandravičius",
    }
    for raw, want in cases.items():
        head = _ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": raw}})
        head += '<meta property="og:site_name" content="lrt.lt">'
        assert _author(head, PROSE) == want, raw


def test_role_labels_glued_to_names_are_dropped() -> None:
    cases = {
        "Von Anna Sleegers": "Anna Sleegers",
        "Reporter: Jane Doe": "Jane Doe",
        "Text: Jane Doe": "Jane Doe",
        "Por Jane Doe": "Jane Doe",
        "By Jane Doe": "Jane Doe",
        "作者：王德明": "王德明",
        "신현주 기자": "신현주",
        "赵  培": "赵培",
        "周思博 (Joel Spolsky)": "周思博 (Joel Spolsky)",
        "Version Control": "Version Control",
    }
    for raw, want in cases.items():
        assert metadata.clean_author(raw) == want, raw


def test_foreign_bare_label_opens_a_byline_only_before_a_name() -> None:
    body = f'<article><h1>T</h1><p class="lead">Von Iron Man zu Doctor Doom</p>{PROSE}</article>'
    assert _author("", body) is None
    body = f'<article><h1>T</h1><span class="author">von Jemima Kelly</span>{PROSE}</article>'
    assert _author("", body) == "Jemima Kelly"


def test_screen_reader_text_is_not_a_byline() -> None:
    body = (
        '<article><h1>T</h1><div class="authors"><span class="authors__brand u-visually-hidden">'
        'capital</span><ul><li><span>von</span> <span class="bold">Jemima Kelly</span></li></ul>'
        f"</div>{PROSE}</article>"
    )
    assert _author("", body) == "Jemima Kelly"


def test_a_name_alone_above_the_text_is_the_author() -> None:
    body = f"<article><h1>A young lawyer's journey</h1><p><strong>Mohloai Mpesi</strong></p>{PROSE}"
    assert _author("", body + "</article>") == "Mohloai Mpesi"
    old = (
        "<p align='center'><font><strong>犬儒病(上)</strong></font></p><hr>"
        "<p> 胡平<br> <br> ——当代中国的精神危机 (上)<br><br>"
        "人心不会熄灭，但它可能蒙上灰烬而不再燃烧。灰烬本来是燃烧的产物，但它<br>反过来又抑制了燃烧。</p>"
    )
    assert _author("", old, title="显示") == "胡平"
    several = f"<b>社会资本与再就业</b><br><br>赵延东、风笑天<br>{PROSE_ZH}"
    assert _author("", several) == "赵延东, 风笑天"


def test_a_line_above_the_text_that_is_no_name_stays_out() -> None:
    cases = [
        # A bold heading of the page repeated above the text.
        f"<h2>WNET Audit Committee Meetings</h2><p><strong>AUDIT COMMITTEE</strong></p>{PROSE}",
        # A bold run inside a sentence.
        f"<p><strong>Lupita Nyong</strong>'o's dress was stolen.</p>{PROSE}",
        # A forum's label, a sidebar heading, a Japanese label.
        f"<span>2005-09-11 18:04:42</span><br><span>楼主</span>{PROSE_ZH}",
        f"<h3>存档</h3>{PROSE_ZH}",
        "<p>情報元</p><p>有料会員の方のみご利用になれます。保存した記事はスマホやタブレットでもご覧いただけます。</p>",
        f"<p><u>属灵作业</u><br>{PROSE_ZH}</p>",
    ]
    for body in cases:
        assert _author("", body) is None, body


def test_chinese_closing_credits_and_labelled_lines() -> None:
    cases = {
        f"{PROSE_ZH}<p>所有的改革难道不都是利益再分配的过程吗？”（姚峰 上海报道）</p>": "姚峰",
        f"{PROSE_ZH}<p>过一个平安、祥和、温馨、廉洁的新春佳节。（常书香 马丹阳 ）</p>": "常书香, 马丹阳",
        f"<p><b>本报记者罗科苏盈发自北京</b></p>{PROSE_ZH}": "罗科苏盈",
        f"<td>{PROSE_ZH}<br><br>文：眉间尺<br><br></td>": "眉间尺",
        f"<font>作者： 周思博 (Joel Spolsky)<br>译： Chen Bin<br></font>{PROSE_ZH}": (
            "周思博 (Joel Spolsky)"
        ),
    }
    for body, want in cases.items():
        assert _author("", body, title="新闻") == want, body
    # One word alone in brackets is a note or an agency, not a credit.
    assert _author("", f"{PROSE_ZH}<p>他说。（新华社）</p>", title="新闻") is None


# --- title ---------------------------------------------------------------------------------


def test_kicker_glued_to_the_heading_gives_way_to_the_declared_title() -> None:
    og = '<meta property="og:title" content="Rückschlag im Titelkampf - Liverpool verliert">'
    body = (
        '<h1><span class="kicker">Premier League</span> <span>Rückschlag im Titelkampf -'
        " Liverpool verliert</span></h1>"
    )
    assert _title(og, body) == "Rückschlag im Titelkampf - Liverpool verliert"
    og = '<meta property="og:title" content="Ehrengast der Buchmesse: Was lesen die Philippinen?">'
    body = "<h1>Kultur : Ehrengast der Buchmesse: Was lesen die Philippinen?</h1>"
    assert _title(og, body) == "Ehrengast der Buchmesse: Was lesen die Philippinen?"
    # Kicker and title in spans with no space between: the declared punctuation.
    og = '<meta property="og:title" content="Nationale Demo / Der 9. Juli naht">'
    body = "<h1><span>Nationale Demo</span><span>Der 9. Juli naht</span></h1>"
    assert _title(og, body) == "Nationale Demo / Der 9. Juli naht"
    og = '<meta property="og:title" content="Ausschuss zur Ahrtal-Flut: Zwei Rücktritte">'
    body = "<h2>Ausschuss zur Ahrtal-Flut Zwei Rücktritte</h2><h1>Artikel merken</h1>"
    assert _title(og, body) == "Ausschuss zur Ahrtal-Flut: Zwei Rücktritte"


def test_a_sentence_start_is_no_kicker() -> None:
    og = '<meta property="og:title" content="Liverpool verliert bei Everton im Derby">'
    body = "<h1>Der Meister Liverpool verliert bei Everton im Derby</h1>"
    assert _title(og, body) == "Der Meister Liverpool verliert bei Everton im Derby"


def test_site_name_suffix_goes_when_json_ld_confirms_the_title() -> None:
    head = (
        '<meta property="og:title" content="Diese Grafiken zeigen es - WELT">'
        '<meta property="og:site_name" content="WELT">'
        + _ld({"@type": "NewsArticle", "headline": "Diese Grafiken zeigen es"})
    )
    assert _title(head, "<h2>Politik</h2>") == "Diese Grafiken zeigen es"
    # Without that confirmation the declared title is kept as the page gives it.
    head = (
        '<meta property="og:title" content="How to Build a Terrarium | eHow">'
        '<meta property="og:site_name" content="eHow">'
    )
    assert _title(head, "<h2>Featured</h2>") == "How to Build a Terrarium | eHow"


def test_quotes_only_differences_keep_the_heading() -> None:
    og = '<meta property="og:title" content="Mexico\'s economy grew 1.1%">'
    assert _title(og, "<h1>Mexico’s economy grew 1.1%</h1>") == "Mexico’s economy grew 1.1%"


def test_last_first_names_are_turned_around() -> None:
    assert metadata.first_last("Kooman, F.") == "F. Kooman"
    assert metadata.first_last("Doe, J. R.") == "J. R. Doe"
    # Two names in a list stay a list; only a catalogue's creator is read "Last, First".
    assert metadata.first_last("Reuters, Thorsten Kramer") == "Reuters, Thorsten Kramer"
    assert metadata.first_last("Jong, Michiel de") == "Jong, Michiel de"
    assert metadata.first_last("Jong, Michiel de", catalogue=True) == "Michiel de Jong"
    head = (
        '<meta name="DC.Creator" content="Kooman, F.">'
        '<meta name="DC.Creator" content="Jong, Michiel de">'
    )
    assert _author(head, PROSE) == "F. Kooman, Michiel de Jong"


def test_a_toolbar_label_above_the_text_is_no_name() -> None:
    body = (
        '<div class="channel"><div>2024年04月24日23:52 | 来源：<a href="/">新华网</a></div>'
        '<div><span class="rm_type"><img src="i.png"><i>小字号</i></span></div></div>'
        f'<div class="rm_txt_con"><p>新华社北京4月24日电</p>{PROSE_ZH}</div>'
    )
    assert _author("", body, title="新闻") is None


def test_text_after_a_template_comment_is_read_without_failing() -> None:
    body = (
        '<div class="meta"><span class="xicon"><!--[-->Alice Chen<!--]--></span></div>'
        f"<p><!--[-->Alice Chen<!--]--></p>{PROSE}"
    )
    tree = parse_html(_page("", body))
    assert metadata.author.__wrapped__(tree) in (None, "Alice Chen")


def test_the_one_unlinked_name_in_the_meta_line_under_the_title() -> None:
    def line(*items: str) -> str:
        return "".join(f'<span class="item"><svg></svg><span>{i}</span></span>' for i in items)

    def page(meta: str) -> str | None:
        body = f"<main><h1>Getting Started</h1><div class='info'>{meta}</div>{PROSE}</main>"
        return _author(body=body)

    tags = '<a href="/tags/python/">Python</a>'
    assert page(line("Alice Chen", "2024-01-08 01:30:00", tags)) == "Alice Chen"
    assert page(line("李雷", "2024-01-08", tags)) == "李雷"
    # No date: not a post's meta line. Two names: no telling which is the author.
    assert page(line("Alice Chen", tags)) is None
    assert page(line("Alice Chen", "Bob Smith", "2024-01-08")) is None
    # Linked items are categories and tags, and a title word is no name.
    assert page(line('<a href="/c/x/">Jane Doe</a>', "2024-01-08")) is None
    assert page(line("Getting Started", "2024-01-08")) is None


def test_a_link_to_the_authors_page_names_the_author() -> None:
    def page(link: str) -> str | None:
        return _author(body=f"<article><h1>Budget</h1><p>{link} · 2024-01-08</p>{PROSE}</article>")

    assert page('<a href="/author/jane-doe/">Jane Doe</a>') == "Jane Doe"
    assert page('<a href="https://news.example/people/j-doe">Jane Doe</a>') == "Jane Doe"
    assert page('<a href="/@janedoe">Jane Doe</a>') == "Jane Doe"
    # What the link says when it is not the name; a link to somewhere else.
    assert page('<a href="/author/jane-doe/">See All Articles</a>') is None
    assert page('<a href="/category/politics/">Jane Doe</a>') is None


def test_a_name_shown_in_capitals_keeps_its_declared_form() -> None:
    head = '<meta name="author" content="Jeffrey Gettleman">'
    body = f'<article><p><a href="/by/jeffrey-gettleman">JEFFREY GETTLEMAN</a></p>{PROSE}</article>'
    assert _author(head, body) == "Jeffrey Gettleman"


def test_a_link_to_a_french_author_page_names_the_author() -> None:
    body = (
        f'<article><h1>Budget</h1><p><a href="/auteur/jane-doe/">Jane Doe</a></p>{PROSE}</article>'
    )
    assert _author(body=body) == "Jane Doe"


def test_a_byline_label_is_a_whole_word_not_the_start_of_a_name() -> None:
    assert metadata.clean_author("Byron Smith") == "Byron Smith"
    assert metadata.clean_author("Authority control") == "Authority control"
    assert metadata.clean_author("ByJane Doe") == "Jane Doe"
    # A photo agency's name inside a surname is no credit line.
    assert metadata.clean_author("Mark Sigetty") == "Mark Sigetty"
    assert metadata.clean_author("Getty Images") is None


def test_an_authority_box_is_no_author_box() -> None:
    box = '<table><tr><th id="Authority_control"><a href="/wiki/Help">Authority control</a></th></tr></table>'
    assert _author(body=f"<main><h1>Budget</h1>{PROSE}{box}</main>") is None


def test_newsroom_initials_with_a_full_stop_go() -> None:
    head = _ld({"@type": "NewsArticle", "author": [{"name": "Corina Gall (cog.)"}]})
    assert _author(head) == "Corina Gall"


def test_co_authors_in_brackets_are_authors() -> None:
    raw = "Martin Untersinger (avec Damien Leloup et Morgane Tual)"
    assert metadata.split_names(raw) == ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]


def test_an_editor_after_the_author_is_not_part_of_the_name() -> None:
    body = f"<article><h1>Budget</h1><p>Written by Rob Ewaschuk Edited by Betsy Beyer</p>{PROSE}</article>"
    assert _author(body=body) == "Rob Ewaschuk"


def test_a_byline_of_several_rel_author_links_completes_the_declared_author() -> None:
    head = _ld({"@type": "NewsArticle", "author": [{"name": "Marlene Holm"}]})
    links = '<a rel="author" href="mailto:a@x">Ingrid Treborg</a> <a rel="author" href="mailto:b@x">Marlene Holm</a>'
    body = f"<article><h1>Budget</h1><div class='bylines'>{links}</div>{PROSE}</article>"
    assert _author(head, body) == "Ingrid Treborg, Marlene Holm"
    # A byline that does not show the declared author leaves it as it is.
    other = (
        '<a rel="author" href="/a">Ingrid Treborg</a> <a rel="author" href="/b">Ola Nordmann</a>'
    )
    body = f"<article><h1>Budget</h1><div class='bylines'>{other}</div>{PROSE}</article>"
    assert _author(head, body) == "Marlene Holm"


def test_names_divided_by_a_slash_above_the_text_are_the_authors() -> None:
    body = f"<article><h1>Budget</h1><p><strong>Jane Doe/John Roe</strong></p>{PROSE}</article>"
    assert _author(body=body) == "Jane Doe, John Roe"


def test_a_classed_byline_ends_at_its_divider() -> None:
    line = (
        "<span>By</span><span>Malcolm Harris</span> <span> | </span><span>January 14, 2015</span>"
    )
    body = f"<article><h1>Budget</h1><section class='byline'>{line}</section>{PROSE}</article>"
    assert _author(body=body) == "Malcolm Harris"


def test_headline_in_the_title_tag_after_a_kicker_is_no_site_name() -> None:
    head = (
        '<meta property="og:title" content="Nordmann dømt til livstid">'
        '<meta property="og:site_name" content="dagbladet.no">'
        + _ld({"@type": "NewsArticle", "headline": "«Evnukkmakeren»: Nordmann dømt til livstid"})
    )
    body = "<h1>Nordmann dømt til livstid</h1><h2>Kort fortalt</h2>"
    title = "«Evnukkmakeren»: - Nordmann dømt til livstid"
    assert _title(head, body, title) == "Nordmann dømt til livstid"


def test_a_section_label_above_the_headline_is_not_the_title() -> None:
    head = '<meta property="og:title" content="Skispringen | Beleidigen und beschuldigen">' + _ld(
        {"@type": "NewsArticle", "headline": "Beleidigen und beschuldigen"}
    )
    body = "<h2>Skispringen</h2><h1>Beleidigen und beschuldigen</h1>"
    assert _title(head, body) == "Beleidigen und beschuldigen"


def test_a_heading_that_stops_mid_word_is_no_title() -> None:
    og = '<meta property="og:title" content="Lupita Nyong\'o\'s $150K Pearl Dress -- STOLEN!!!">'
    body = "<h2>Lupita Nyong'o</h2>"
    assert _title(og, body) == "Lupita Nyong'o's $150K Pearl Dress -- STOLEN!!!"


def test_a_kicker_set_apart_by_class_goes_when_the_metadata_drops_it() -> None:
    head = (
        '<meta property="og:title" content="Iranischer Angriff: «Zurückhaltung hat Gründe»">'
        '<meta itemprop="headline" content="Eskalation im Nahen Osten - «Zurückhaltung hat Gründe»">'
    )
    body = (
        '<h1 class="article-title"><span class="article-title__overline">Eskalation im Nahen'
        ' Osten</span><span class="h-offscreen"> - </span>'
        '<span class="article-title__text">«Zurückhaltung hat Gründe»</span></h1>'
    )
    assert _title(head, body) == "«Zurückhaltung hat Gründe»"
    # No declared title names the kicker: it is a label over the headline.
    body = (
        '<h1><span class="dachzeile">Schlachtbetriebe</span> <span class="headline">Das harte'
        " Geschäft mit dem Tod</span></h1>"
    )
    og = '<meta property="og:title" content="Bratwurst in Gefahr? Das harte Geschäft">'
    assert _title(og, body) == "Das harte Geschäft mit dem Tod"
    # Declared only with its kicker: the kicker stays part of the title.
    og = '<meta property="og:title" content="Akkutechnik: Genug Akkus für ein Motorrad?">'
    body = (
        '<h1><span class="header__kicker">Akkutechnik<span class="vh">:</span></span>'
        ' <span class="header__title">Genug Akkus für ein Motorrad?</span></h1>'
    )
    assert _title(og, body) == "Akkutechnik: Genug Akkus für ein Motorrad?"


def test_a_hidden_heading_is_not_the_title() -> None:
    og = '<meta property="og:title" content="Veteran Wraps Baby in Flag">'
    body = (
        '<h1 class="D-ib Hidden">Good Morning America</h1>'
        '<div class="sidebar"><h1 class="headline">Veteran Wraps Baby in Flag</h1></div>'
    )
    assert _title(og, body) == "Veteran Wraps Baby in Flag"


def test_the_headline_in_the_page_header_outranks_a_caption_in_the_content() -> None:
    title = "Russia: Space ship breaks up over Siberia"
    body = (
        f'<header class="canvas-header"><h1>{title}</h1></header>'
        '<article><h1 class="slideshow-headline">In this photo dated Tuesday the rocket is'
        " installed on a launch pad.</h1></article>"
    )
    assert _title("", body, title) == title
    # A breadcrumb's last item is no headline, even when the metadata names it.
    head = '<meta property="og:title" content="6 Statistiken zur Größe von Evergrande">' + _ld(
        {"@type": "NewsArticle", "headline": "Wie groß ist Evergrande?"}
    )
    body = (
        '<header><ol class="breadcrumbs"><li><h1 class="breadcrumb_last">Wie groß ist'
        " Evergrande?</h1></li></ol></header><h2>Mehr</h2><h2>Weniger</h2>"
    )
    assert _title(head, body) == "6 Statistiken zur Größe von Evergrande"


def test_the_heading_wins_over_a_declared_title_with_the_site_name_glued_on() -> None:
    head = (
        '<meta property="og:title" content="Green hydrogen pipeline flagged - The Namibian">'
        '<meta property="og:site_name" content="The Namibian">'
        '<div itemscope itemtype="https://schema.org/NewsArticle">'
        '<meta itemprop="headline" content="… environmental groups concerned"></div>'
    )
    body = "<h1>Green hydrogen pipeline flagged</h1><h1>… environmental groups concerned</h1>"
    assert _title(head, body) == "Green hydrogen pipeline flagged"


# --- author without the theme's class words ------------------------------------------------


def test_the_name_beside_the_post_date_is_the_byline() -> None:
    head = '<meta name="author" content="Corpus Editors">'
    body = (
        f'<div class="xa"><h1>Getting Started</h1>{PROSE}<div class="xb">'
        '<div class="xc"><time datetime="2024-01-08">January 8, 2024</time></div>'
        '<div class="xd"><p class="xe">Alice Chen</p></div>'
        '<div class="xf"><a href="/category/programming/">Programming</a></div></div></div>'
    )
    assert _author(head, body) == "Alice Chen"


def test_an_author_page_link_beside_the_date_counts_even_in_a_side_column() -> None:
    card = (
        '<div class="xa"><h2><span>2024-04-20 10:50</span></h2><ul>'
        '<li class="xb"><a href="../blog/author/li-lei.html">李雷</a></li>'
        '<li class="xb"><a href="../blog/category/life.html">Life</a></li></ul></div>'
    )
    assert _author("", f"<aside>{card}</aside><div>{PROSE}</div>") == "李雷"
    # Cards of a listing, each with its own author and date: no one post's author.
    other = card.replace("li-lei", "alice").replace("李雷", "Alice Chen").replace("04-20", "05-02")
    assert _author("", f"<div>{card}{other}</div><div>{PROSE}</div>") is None


def test_a_labelled_byline_beats_a_declared_name_shown_in_a_side_card() -> None:
    body = (
        '<div class="xs"><div itemprop="author" itemscope itemtype="http://schema.org/Person">'
        '<p itemprop="name">Corpus Editors</p></div></div>'
        f'<div class="xa">{PROSE}<ul><li class="xb"><strong>本文作者：</strong>Alice Chen'
        "<i><em>@</em></i>Corpus Notes</li></ul></div>"
    )
    assert _author("", body) == "Alice Chen"


def test_a_declared_name_in_the_copyright_line_is_not_a_byline() -> None:
    head = '<meta name="author" content="Corpus Editors">'
    body = (
        f'<div class="xa">{PROSE}<div class="xb"><span>2024-01-08</span>'
        '<span class="xc">Alice Chen</span></div></div>'
        '<div class="xf">Copyright © 2024, Corpus Editors</div>'
    )
    assert _author(head, body) == "Alice Chen"


def test_a_name_beside_a_picture_right_after_the_text_is_the_author_card() -> None:
    body = (
        f'<div class="xa">{PROSE}</div><div class="xb"><div class="xc"><img src="/a.png"></div>'
        '<div class="xd">Alice Chen</div><div class="xe">Essays on code and life</div></div>'
    )
    assert _author("", body) == "Alice Chen"


def test_a_han_phrase_in_an_author_classed_box_is_no_name() -> None:
    body = f'<div class="author-content-item-title">探索感兴趣的内容</div><div>{PROSE}</div>'
    assert _author("", body) is None


@pytest.mark.parametrize(
    ("beside", "author"),
    [
        ("Jane Doe", "Jane Doe"),
        ("李雷", "李雷"),
        ("New York", None),
        ("Breaking News", None),
        ("北京", None),
        ("科技", None),
    ],
)
def test_an_unlabelled_name_beside_the_date_is_a_person_not_a_place(
    beside: str, author: str | None
) -> None:
    prose = "<p>" + "A paragraph of the story, long enough to count as prose on a page. " * 3
    page = (
        "<html><head><title>A story title here</title></head><body><div class='q1'>"
        f"<h1>A story title here</h1><div class='q2'><span>{beside}</span> "
        f"<span>May 12, 2024</span></div><div>{prose}</p>{prose}</p></div></div></body></html>"
    )
    tree = parse_html(page)
    assert metadata.author(tree, metadata.json_ld(tree)) == author
