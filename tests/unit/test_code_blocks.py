"""Code blocks of every common highlighter: counted once, kept, line numbers never in text."""

from __future__ import annotations

import re

import pytest

from pipelines.pages.article import ArticleRecord, extract_article

PROSE = (
    "<p>This paragraph is ordinary prose written by the author of the post, long enough for"
    " the extractor to see a real article around the code that the test puts below it.</p>"
)
CLOSING = (
    "<p>A closing paragraph follows, again plain words of the author, so that the page reads"
    " as one post with its code block in the middle of the prose and nothing else.</p>"
)
LINES = ("def countdown(n):", "    yield n", "print(list(countdown(3)))")

CHROMA_TABLE = (
    '<div class="highlight"><div class="chroma"><table class="lntable"><tr>'
    '<td class="lntd"><pre tabindex="0" class="chroma"><code><span class="lnt">1\n</span>'
    '<span class="lnt">2\n</span><span class="lnt">3\n</span></code></pre></td>'
    '<td class="lntd"><pre tabindex="0" class="chroma"><code class="language-python">'
    '<span class="line"><span class="cl">def countdown(n):\n</span></span>'
    '<span class="line"><span class="cl">    yield n\n</span></span>'
    '<span class="line"><span class="cl">print(list(countdown(3)))</span></span>'
    "</code></pre></td></tr></table></div></div>"
)
CHROMA_INLINE = (
    '<div class="highlight"><pre class="chroma"><code>'
    '<span class="line"><span class="ln">1</span><span class="cl">def countdown(n):\n</span></span>'
    '<span class="line"><span class="ln">2</span><span class="cl">    yield n\n</span></span>'
    '<span class="line"><span class="ln">3</span>'
    '<span class="cl">print(list(countdown(3)))</span></span></code></pre></div>'
)
HLJS = (
    '<pre><code class="hljs language-python"><span class="hljs-keyword">def</span>'
    " countdown(n):\n    yield n\nprint(list(countdown(3)))</code></pre>"
)
HLJS_LN = (
    '<pre><code class="hljs"><table class="hljs-ln"><tbody>'
    '<tr><td class="hljs-ln-line hljs-ln-numbers" data-line-number="1">'
    '<div class="hljs-ln-n" data-line-number="1"></div></td>'
    '<td class="hljs-ln-line hljs-ln-code" data-line-number="1">def countdown(n):</td></tr>'
    '<tr><td class="hljs-ln-line hljs-ln-numbers" data-line-number="2">'
    '<div class="hljs-ln-n" data-line-number="2"></div></td>'
    '<td class="hljs-ln-line hljs-ln-code" data-line-number="2">    yield n</td></tr>'
    '<tr><td class="hljs-ln-line hljs-ln-numbers" data-line-number="3">'
    '<div class="hljs-ln-n" data-line-number="3"></div></td>'
    '<td class="hljs-ln-line hljs-ln-code" data-line-number="3">print(list(countdown(3)))</td>'
    "</tr></tbody></table></code></pre>"
)
PRISM = (
    '<pre class="line-numbers language-python"><code class="language-python">'
    "def countdown(n):\n    yield n\nprint(list(countdown(3)))"
    '<span aria-hidden="true" class="line-numbers-rows"><span></span><span></span><span></span>'
    "</span></code></pre>"
)
PYGMENTS_TABLE = (
    '<table class="highlighttable"><tr><td class="linenos"><div class="linenodiv"><pre>'
    '<span class="normal">1</span>\n<span class="normal">2</span>\n<span class="normal">3</span>'
    '</pre></div></td><td class="code"><div class="highlight"><pre><span></span>'
    '<span class="k">def</span> countdown(n):\n    yield n\nprint(list(countdown(3)))\n'
    "</pre></div></td></tr></table>"
)
PYGMENTS_INLINE = (
    '<div class="highlight"><pre><span></span><span class="linenos">1</span>def countdown(n):\n'
    '<span class="linenos">2</span>    yield n\n'
    '<span class="linenos">3</span>print(list(countdown(3)))\n</pre></div>'
)
HEXO = (
    '<figure class="highlight python"><table><tr><td class="gutter"><pre>'
    '<span class="line">1</span><br><span class="line">2</span><br><span class="line">3</span>'
    '<br></pre></td><td class="code"><pre><span class="line"><span class="keyword">def</span>'
    ' countdown(n):</span><br><span class="line">    yield n</span><br><span class="line">'
    "print(list(countdown(3)))</span><br></pre></td></tr></table></figure>"
)
GITHUB = (
    '<div class="highlight highlight-source-python"><pre><code>def countdown(n):\n    yield n\n'
    "print(list(countdown(3)))</code></pre></div>"
)
ROUGE = (
    '<div class="language-python highlighter-rouge"><div class="highlight"><pre class="highlight">'
    '<code><table class="rouge-table"><tbody><tr><td class="gutter gl"><pre class="lineno">1\n2\n3'
    '</pre></td><td class="code"><pre><span class="k">def</span> countdown(n):\n    yield n\n'
    "print(list(countdown(3)))\n</pre></td></tr></tbody></table></code></pre></div></div>"
)


def extract(body: str) -> ArticleRecord:
    html = (
        "<html><head><title>Generators</title></head><body><article><h1>Generators</h1>"
        f"{PROSE}{body}{CLOSING}</article></body></html>"
    )
    record = extract_article("https://blog.example/posts/generators/", html)
    assert isinstance(record, ArticleRecord), record
    return record


BLOCKS = {
    "chroma-table": CHROMA_TABLE,
    "chroma-inline": CHROMA_INLINE,
    "hljs": HLJS,
    "hljs-ln": HLJS_LN,
    "prism": PRISM,
    "pygments-table": PYGMENTS_TABLE,
    "pygments-inline": PYGMENTS_INLINE,
    "hexo": HEXO,
    "github": GITHUB,
    "rouge": ROUGE,
}


@pytest.mark.parametrize("body", list(BLOCKS.values()), ids=list(BLOCKS))
def test_one_block_without_line_numbers(body: str) -> None:
    record = extract(body)
    assert record.code_blocks == 1
    lines = [line.strip() for line in record.text.split("\n")]
    for code in LINES:
        assert code.strip() in lines, (code, record.text)
    assert not any(re.fullmatch(r"[\d\s]+", line) for line in lines), record.text
    assert not re.search(r"\b[123]\s*(?:def|yield|print)\b", record.text), record.text


def test_two_blocks_counted_twice() -> None:
    record = extract(HEXO + "<p>And in between, a sentence of the author.</p>" + GITHUB)
    assert record.code_blocks == 2


def test_a_numbers_cell_beside_prose_is_not_a_gutter() -> None:
    table = "<table><tr><td>2024</td><td>A year of long walks and short notes.</td></tr></table>"
    record = extract(table)
    assert "2024" in record.text
