"""Markers put in the tree where code blocks and formulas were, counted after extraction.

Counting what survives text extraction (rather than what the page holds) keeps code and
formulas of sidebars, comments and related posts out of the article's counts.
"""

from __future__ import annotations

CODE_MARK = "\u27e6C\u27e7"
FORMULA_MARK = "\u27e6F\u27e7"


def take_marks(text: str) -> tuple[str, int, int]:
    """(text without markers, code blocks, formulas)."""
    code, formulas = text.count(CODE_MARK), text.count(FORMULA_MARK)
    return text.replace(CODE_MARK, "").replace(FORMULA_MARK, ""), code, formulas
