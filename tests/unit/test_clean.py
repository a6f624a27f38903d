from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.text.clean import (
    CODE_PLACEHOLDERS,
    FORMULA_PLACEHOLDERS,
    IMAGE_PLACEHOLDERS,
    clean_excerpt,
    clean_text,
)

SEED_CARD = (
    "Pycharm 的图形化界面虽然好用。 utils.py [代码] pdb_demo.py [代码] 进入调试模式 "
    "如果 [Math] ，则认为 a=b 。 然后执行时,也不需要再指定m ..."
)


def test_seed_card_excerpt() -> None:
    assert clean_excerpt(SEED_CARD) == (
        "Pycharm 的图形化界面虽然好用。 utils.py pdb_demo.py 进入调试模式 如果 ，则认为 a=b 。 "
        "然后执行时,也不需要再指定m"
    )


def test_placeholders_counted() -> None:
    cleaned = clean_text("a [代码] b [Math] c [公式] d [代码]")
    assert (cleaned.code_placeholders, cleaned.formula_placeholders) == (2, 2)
    assert cleaned.text == "a b c d"


@pytest.mark.parametrize(
    "text",
    ["nums = [1]", "[1 3 -1] -3 5 3 6 7", "输入：nums = [1,3,-1,-3,5,3,6,7], k = 3", "a[i] = [x]"],
)
def test_real_brackets_stay(text: str) -> None:
    assert clean_text(text).text == text
    assert clean_excerpt(text) == text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("摘要：这是摘要内容。。。 阅读全文", "这是摘要内容。。。"),
        ("Some summary text… Continue reading »", "Some summary text"),
        ("Some summary text [...]", "Some summary text"),
        ("Some summary text &hellip; Read More →", "Some summary text"),
        ("We need more", "We need more"),
        ("摘要: 内容……", "内容"),
        ("INCOMING TRANSMISSION LATEST UPDATES 正文开始...", "正文开始"),
    ],
)
def test_excerpt_labels(raw: str, clean: str) -> None:
    assert clean_excerpt(raw) == clean


def test_banners_dropped_from_text() -> None:
    text = "INCOMING TRANSMISSION\nLATEST UPDATES\n第一段。\n  第二段   有空格。 "
    assert clean_text(text).text == "第一段。\n第二段 有空格。"


PLACEHOLDERS = CODE_PLACEHOLDERS + FORMULA_PLACEHOLDERS + IMAGE_PLACEHOLDERS
pieces = st.one_of(st.text(max_size=30), st.sampled_from((*PLACEHOLDERS, "\n", "  ", "[1]", "...")))


@given(st.lists(pieces, max_size=12).map("".join))
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text, ()).text
    assert clean_text(once, ()).text == once


@given(st.lists(pieces, max_size=12).map("".join))
def test_clean_text_keeps_every_visible_character(text: str) -> None:
    def visible(s: str) -> str:
        for token in PLACEHOLDERS:
            s = s.replace(token, "")
        return re.sub(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]", "", s)

    import unicodedata

    kept = visible(clean_text(text, ()).text)
    assert kept == unicodedata.normalize("NFC", visible(unicodedata.normalize("NFC", text)))


@given(st.lists(pieces, max_size=12).map("".join))
def test_clean_excerpt_is_idempotent(text: str) -> None:
    once = clean_excerpt(text)
    assert clean_excerpt(once) == once
