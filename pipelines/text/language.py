"""Language of the prose, with langdetect made deterministic."""

from __future__ import annotations

import json
import os
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from langdetect import DetectorFactory, detector_factory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

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


class SparseProfiles(dict[str, int]):
    """langdetect's n-gram -> per-language probabilities, held sparse.

    langdetect keeps a list of one float per language for each of its 87,598 n-grams, 96 %
    of them 0.0: about 60 MB in every process. Here each n-gram maps to its row of three
    flat arrays (about 15 MB). ``in`` is the dict's own; ``[]`` gives the row as
    langdetect's list, so its own ``Detector`` reads this as it reads its map.
    """

    def __init__(self) -> None:
        super().__init__()
        self.langs = 0
        self._starts = np.zeros(1, dtype=np.int64)
        self._columns = np.zeros(0, dtype=np.int8)
        self._probs = np.zeros(0)

    def fill(self, rows: array[int], columns: array[int], probs: array[float]) -> None:
        """Hold the entries (row, language, probability), in any order."""
        row_of = np.frombuffer(rows, dtype=np.int32)
        order = np.argsort(row_of, kind="stable")
        counts = np.bincount(row_of, minlength=len(self))
        self._starts = np.concatenate(([0], np.cumsum(counts)))
        self._columns = np.frombuffer(columns, dtype=np.int8)[order]
        self._probs = np.frombuffer(probs, dtype=np.float64)[order]

    def row(self, word: str) -> np.ndarray:
        i = dict.__getitem__(self, word)
        start, end = self._starts[i], self._starts[i + 1]
        out = np.zeros(self.langs)
        out[self._columns[start:end]] = self._probs[start:end]
        return out

    def __getitem__(self, word: str) -> list[float]:  # type: ignore[override]
        return self.row(word).tolist()


def read_profiles(directory: str = detector_factory.PROFILES_DIRECTORY) -> DetectorFactory:
    """A langdetect factory over its own profile files, its map held sparse.

    The files in langdetect's own order and the same arithmetic as its ``add_profile``,
    so the same languages at the same places and the same probabilities to the bit.
    """
    factory = DetectorFactory()
    profiles = SparseProfiles()
    rows, columns, probs = array("i"), array("b"), array("d")
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        index = len(factory.langlist)
        factory.langlist.append(data["name"])
        n_words = data["n_words"]
        for word, count in data["freq"].items():
            row = profiles.setdefault(word, len(profiles))
            if 1 <= len(word) <= 3:
                rows.append(row)
                columns.append(index)
                probs.append(1.0 * count / n_words[len(word) - 1])
    profiles.langs = len(factory.langlist)
    profiles.fill(rows, columns, probs)
    factory.word_lang_prob_map = profiles
    return factory


def load_profiles() -> None:
    """Load langdetect's language profiles now, held sparse: a process pool forked
    afterwards shares them instead of each worker reading them on its first page."""
    if detector_factory._factory is None:
        detector_factory._factory = read_profiles()


# What langdetect's ``Detector.cleaning_text`` counts a character as.
_LATIN, _NON_LATIN, _NEITHER = 0, 1, 2
_LATIN_RANGE = re.compile("[A-z]")


def _script(ch: str) -> int:
    if "A" <= ch <= "z":
        return _LATIN
    # langdetect also asks that the block not be "Latin Extended Additional", but compares
    # unicode_block's number with that name: always unequal, so every such letter counts.
    return _NON_LATIN if ch >= "\u0300" else _NEITHER


def _cleaned(text: str) -> str:
    """``Detector.cleaning_text``: a text written mostly in another alphabet loses its Latin
    letters (and "[\\]^_`", which langdetect's "A" to "z" range holds)."""
    counts = [0, 0, 0]
    # Counted by C: the classing, in Python, runs once per distinct character.
    for ch, n in Counter(text).items():
        counts[_script(ch)] += n
    if counts[_LATIN] * 2 < counts[_NON_LATIN]:
        return _LATIN_RANGE.sub("", text)
    return text


# NGram.normalize is a function of the character alone (its Unicode block, a few maps).
_normal = lru_cache(maxsize=8192)(NGram.normalize)


def _ngrams(text: str, known: Any) -> list[str]:
    """``Detector._extract_ngrams``: its ``NGram`` buffer kept in locals, each character
    normalised once per distinct character, the same n-grams in the same order."""
    out = []
    grams = " "
    capital = False
    for ch in text:
        ch = _normal(ch)
        last = grams[-1]
        if last == " ":
            grams = " "
            capital = False
            if ch == " ":
                continue  # langdetect's buffer stays " ": no n-gram
        elif len(grams) >= NGram.N_GRAM:
            grams = grams[1:]
        grams += ch
        if ch.isupper():
            if last.isupper():
                capital = True
        else:
            capital = False
        if capital:
            continue
        if ch != " " and ch in known:
            out.append(ch)
        if len(grams) >= 2:
            if grams[-2:] in known:
                out.append(grams[-2:])
            if len(grams) >= 3 and grams[-3:] in known:
                out.append(grams[-3:])
    return out


@lru_cache(maxsize=16384)
def _word_probs(word: str) -> np.ndarray:
    # Bounded: a worker keeps at most ~8 MB of the n-grams it has met.
    profiles = detector_factory._factory.word_lang_prob_map
    if isinstance(profiles, SparseProfiles):
        return profiles.row(word)
    return np.array(profiles[word])  # langdetect loaded its own map first


def _probabilities(text: str) -> list[Any]:
    """``langdetect.detect_langs(text)``, its trials run over numpy arrays.

    The same random draws and the same floating-point operations in the same order as
    langdetect's ``Detector._detect_block`` (the sum of each normalisation is Python's own),
    so the same answer to the last bit, at half the cost.
    """
    load_profiles()
    det = detector_factory._factory.create()
    det.append(text)
    ngrams = _ngrams(_cleaned(det.text), det.word_lang_prob_map)
    if not ngrams:
        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    n = len(det.langlist)
    langprob = np.zeros(n)
    det.random.seed(det.seed)
    for _ in range(det.n_trial):
        prob = np.full(n, 1.0 / n)
        alpha = det.alpha + det.random.gauss(0.0, 1.0) * det.ALPHA_WIDTH
        weight = alpha / det.BASE_FREQ
        i = 0
        while True:
            prob *= weight + _word_probs(det.random.choice(ngrams))
            if i % 5 == 0:
                prob /= sum(prob.tolist())
                if prob.max() > det.CONV_THRESHOLD or i >= det.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / det.n_trial
    return det._sort_probability(langprob.tolist())


def _prose_head(text: str) -> str:
    """``prose_only(text)[:MAX_CHARS]``, reading no more of a long text than that needs.

    A head of the text cut at a line end and holding no "$" has the same lines as the whole
    (no TeX can start in it); once its prose fills ``MAX_CHARS``, the rest cannot change them.
    """
    size = 4 * MAX_CHARS
    while size < len(text):
        cut = text.find("\n", size)
        if cut < 0:
            break
        head = text[:cut]
        if "$" in head:
            break
        prose = prose_only(head)
        if len(prose) >= MAX_CHARS:
            return prose[:MAX_CHARS]
        size *= 4
    return prose_only(text)[:MAX_CHARS]


def detect_language(text: str | None) -> Language:
    """langdetect's best language for the prose of ``text`` (None if too little prose)."""
    prose = _prose_head(text or "")
    if len(_LETTER.findall(prose)) < MIN_LETTERS:
        return Language(None, None)
    letters = _LETTER.findall(prose)
    if letters and len(_HAN.findall(prose)) / len(letters) >= CJK_SHARE:
        # Chinese tech prose is full of English terms, whose n-grams outvote the Han
        # characters in langdetect (it answers "no" or "en"): decide on the CJK part.
        prose = _LATIN_RUN.sub(" ", prose)
    try:
        best = _probabilities(prose)[0]
    except LangDetectException:
        return Language(None, None)
    return Language(best.lang, round(float(best.prob), 4))
