"""Formulas in every common form: counted once, TeX kept in the text in their place."""

from __future__ import annotations

import pytest

from pipelines.pages.article import ArticleRecord, extract_article

PROSE = (
    "<p>This paragraph is ordinary prose written by the author of the post, long enough for"
    " the extractor to see a real article around the formula that the test puts below.</p>"
)
CLOSING = (
    "<p>A closing paragraph follows, again plain words of the author, so that the page reads"
    " as one post with its formulas in the middle of the prose and nothing else.</p>"
)
KATEX = '<link rel="stylesheet" href="/katex/katex.min.css"><script src="/katex/katex.js"></script>'
MATHJAX = '<script src="/mathjax/tex-chtml.js"></script>'


def extract(body: str, head: str = "") -> ArticleRecord:
    html = (
        f"<html><head><title>Notes on maths</title>{head}</head><body><article>"
        f"<h1>Notes on maths</h1>{PROSE}{body}{CLOSING}</article></body></html>"
    )
    record = extract_article("https://blog.example/posts/maths/", html)
    assert isinstance(record, ArticleRecord), record
    return record


@pytest.mark.parametrize(
    ("body", "tex", "count"),
    [
        ("<p>The area is $a b$ here and $c^2$ there, as before.</p>", "$a b$", 2),
        ("<p>$$\\frac{1}{2} + x$$</p>", "$$\\frac{1}{2} + x$$", 1),
        ("<p>Inline \\(x_1 + y\\) works too.</p>", "$x_1 + y$", 1),
        ("<div>\\[ E = mc^2 \\]</div>", "$$E = mc^2$$", 1),
    ],
)
def test_text_delimiters_on_a_page_with_a_renderer(body: str, tex: str, count: int) -> None:
    record = extract(body, KATEX)
    assert record.formulas == count
    assert tex in record.text


def test_prices_are_never_formulas() -> None:
    record = extract("<p>The plain coffee costs $5 and the latte costs $10 each day.</p>", KATEX)
    assert record.formulas == 0
    assert "costs $5 and the latte costs $10" in record.text


def test_without_renderer_only_tex_commands_count() -> None:
    body = "<p>Sorting takes $O(n \\log n)$ time, and a box costs $5 or $6 at most.</p>"
    record = extract(body)
    assert record.formulas == 1
    assert "$O(n \\log n)$" in record.text


def test_a_display_formula_marks_generator_math() -> None:
    # kramdown writes display math as \[...\] and leaves inline $...$ as text.
    record = extract("<p>We have $ad - bc$ here.</p><p>\\[A^{-1} = \\frac{1}{d}\\]</p>")
    assert record.formulas == 2
    assert "$ad - bc$" in record.text


def test_mathjax_script_inline_and_display() -> None:
    body = (
        '<p>Let <span class="MathJax_Preview">x</span><span class="MathJax">x rendered</span>'
        '<script type="math/tex">x^2</script> be given.</p>'
        '<script type="math/tex; mode=display">\\sum_i i</script>'
    )
    record = extract(body, MATHJAX)
    assert record.formulas == 2
    assert "$x^2$" in record.text and "$$\\sum_i i$$" in record.text
    assert "rendered" not in record.text


def test_mathjax3_container_with_assistive_mathml() -> None:
    body = (
        '<p>Take <mjx-container class="MathJax" jax="CHTML"><mjx-math>junk</mjx-math>'
        '<mjx-assistive-mml><math alttext="y = 2x"><mi>y</mi></math></mjx-assistive-mml>'
        "</mjx-container> now.</p>"
    )
    record = extract(body, MATHJAX)
    assert record.formulas == 1
    assert "$y = 2x$" in record.text


def test_mathjax4_svg_keeps_its_latex() -> None:
    body = (
        '<p>Take <mjx-container class="MathJax" jax="SVG"><svg><g data-mml-node="math"'
        ' data-latex="a + b"><g data-mml-node="mi" data-latex="a"></g></g></svg>'
        "</mjx-container> now.</p>"
    )
    record = extract(body, MATHJAX)
    assert record.formulas == 1
    assert "$a + b$" in record.text


def test_katex_html_and_mathml_count_once() -> None:
    body = (
        '<p>So <span class="katex"><span class="katex-mathml"><math><semantics><mi>z</mi>'
        '<annotation encoding="application/x-tex">z^3</annotation></semantics></math></span>'
        '<span class="katex-html" aria-hidden="true">z3</span></span> holds.</p>'
        '<span class="katex-display"><span class="katex"><span class="katex-mathml"><math>'
        '<annotation encoding="application/x-tex">\\int f</annotation></math></span>'
        '<span class="katex-html">∫f</span></span></span>'
    )
    record = extract(body, KATEX)
    assert record.formulas == 2
    assert "$z^3$" in record.text and "$$\\int f$$" in record.text
    assert "z3" not in record.text


def test_mathml_alttext_and_annotation() -> None:
    body = (
        '<p>A <math alttext="p \\lor q"><mi>p</mi></math> and <math><semantics><mi>r</mi>'
        '<annotation encoding="application/x-tex">r_1</annotation></semantics></math>.</p>'
    )
    record = extract(body)
    assert record.formulas == 2
    assert "$p \\lor q$" in record.text and "$r_1$" in record.text


def test_mathml_without_tex_keeps_its_tokens() -> None:
    """No TeX anywhere (MathJax 3 with MathML input): the formula's symbols stay in the text
    rather than a hole where it was."""
    body = (
        '<p>When <mjx-container class="MathJax" jax="CHTML"><mjx-math aria-hidden="true">'
        "<mjx-mi>a</mjx-mi></mjx-math><mjx-assistive-mml><math><mi> a </mi><mo>≠</mo>"
        "<mn>0</mn></math></mjx-assistive-mml></mjx-container> there are two roots.</p>"
        "<p>And <math><mi>b</mi><mo>+</mo><mi>c</mi></math> too.</p>"
    )
    record = extract(body, MATHJAX)
    assert record.formulas == 2
    assert "$a ≠ 0$" in record.text and "$b + c$" in record.text


def test_formula_images() -> None:
    body = (
        '<p>See <img data-tex="\\alpha + \\beta" src="/f1.png"> and'
        ' <img class="latex" alt="\\gamma" src="/f2.png"> here.</p>'
    )
    record = extract(body)
    assert record.formulas == 2
    assert "$\\alpha + \\beta$" in record.text and "$\\gamma$" in record.text


def test_math_spans_and_arithmatex() -> None:
    body = (
        '<p>Sphinx writes <span class="math notranslate">\\(u + v\\)</span> inline.</p>'
        '<div class="arithmatex">\\[\nw = 1\n\\]</div>'
    )
    record = extract(body, MATHJAX)
    assert record.formulas == 2
    assert "$u + v$" in record.text and "$$w = 1$$" in record.text


def test_code_dollars_are_not_formulas() -> None:
    body = "<pre><code>echo $HOME and $PATH</code></pre><p>Use <code>$x$</code> inline.</p>"
    record = extract(body, KATEX)
    assert record.formulas == 0
    assert "echo $HOME and $PATH" in record.text
