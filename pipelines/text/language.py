"""Language of the prose, with langdetect made deterministic."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

# Enough prose for a stable answer; more only costs time.
MAX_CHARS = 400
MIN_LETTERS = 12

_TEX = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)
_CODE_LINE = re.compile(r"[{}();=<>\[\]#]|^\s*(?:def|class|import|from|return|for|if)\b")
_LETTER = re.compile(r"[^\W\d_]", re.U)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9_\-.']*")
# Share of Han characters among letters above which the text is taken as CJK prose.
CJK_SHARE = 0.3


@dataclass(frozen=True)
class Language:
    """A text's detected language and its probability (both None when unknown)."""

    lang: str | None
    prob: float | None


def prose_only(text: str) -> str:
    """The text without TeX and without lines that look like code."""
    text = _TEX.sub(" ", text)
    lines = []
    for line in text.split("\n"):
        symbols = len(_CODE_LINE.findall(line))
        letters = len(_LETTER.findall(line))
        if letters and symbols / max(letters, 1) < 0.15:
            lines.append(line)
    return "\n".join(lines)


def detect_language(text: str | None) -> Language:
    """langdetect's best language for the prose of ``text`` (None if too little prose)."""
    prose = prose_only(text or "")[:MAX_CHARS]
    if len(_LETTER.findall(prose)) < MIN_LETTERS:
        return Language(None, None)
    letters = _LETTER.findall(prose)
    if letters and len(_HAN.findall(prose)) / len(letters) >= CJK_SHARE:
        # Chinese tech prose is full of English terms, whose n-grams outvote the Han
        # characters in langdetect (it answers "no" or "en"): decide on the CJK part.
        prose = _LATIN_RUN.sub(" ", prose)
    try:
        best = detect_langs(prose)[0]
    except LangDetectException:
        return Language(None, None)
    return Language(best.lang, round(float(best.prob), 4))
