"""Article extraction quality on the saved article pages of ``../shared/corpus/articles``.

    python benchmarks/quality_articles.py                        # every page, about 15 minutes
    python benchmarks/quality_articles.py --source fundus --limit 10
    python benchmarks/quality_articles.py --json /tmp/quality-articles.json

Each page goes through ``scrapy article PAGE --url URL`` (the interface users have, run from
the project root, at most ``--jobs`` at a time) and, for comparison, through plain trafilatura
in this process. Per page and per source it reports tracebacks, rejections (non-zero exit and
its reason), text token F1 against the expected text (words, CJK characters one by one; for
``prefix`` expectations only the recall of the prefix), the same for trafilatura, and whether
title, author and published date match where the corpus gives them.

``run(...)`` returns everything as a dict (for ``benchmarks/quality.py``); ``main()`` prints a
table. Nothing is written into the project; ``--dump-dir`` keeps raw outputs (use /tmp).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

# The shared scorer module sits beside this file, however this file is loaded.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scorer import ROOT, SCRAPY, report, run_command

CORPUS = ROOT.parent / "shared" / "corpus" / "articles"
PLACEHOLDER = "http://article.invalid/{source}/{id}"

# Han and kana are scored one character at a time, since these
# scripts do not separate words with spaces. Hangul does, so it stays word-based.
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
)
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " "})  # fmt: skip
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")  # soft hyphen, zero widths
_NAME_SPLIT = re.compile(r"\s*(?:[,;/|&+、，]|\band\b|\bund\b|\by\b|\bet\b|\be\b)\s*", re.I)
_DECLARED = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?|<text [^>]*encoding=["']|<\?xml[^>]+encoding=["'])"""
    rb"""\s*([A-Za-z0-9_.:-]+)""",
    re.I,
)


# --- corpus --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    source: str
    id: str
    path: Path
    url: str
    url_given: bool
    expected: dict[str, Any]

    @property
    def group(self) -> str:
        """The table row: readability's lorem-ipsum unit pages are kept apart."""
        return f"{self.source}/synthetic" if self.expected.get("synthetic") else self.source


def load_pages(sources: Iterable[str] | None = None, limit: int | None = None) -> list[Page]:
    """The corpus pages, by source then id; ``limit`` is per source."""
    if not CORPUS.is_dir():
        return []
    wanted = set(sources) if sources else None
    pages: list[Page] = []
    for src_dir in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        if wanted is not None and src_dir.name not in wanted:
            continue
        metas = sorted(src_dir.glob("*.json"))
        for meta in metas[: limit if limit else None]:
            page_id = meta.name[: -len(".json")]
            expected = json.loads(meta.read_text("utf-8"))
            url = expected.get("url")
            # One fixture stores a bare article number where the address should be.
            if url and not re.match(r"https?://", url):
                url = None
            pages.append(
                Page(
                    source=src_dir.name,
                    id=page_id,
                    path=meta.with_name(page_id + ".html.gz"),
                    url=url or PLACEHOLDER.format(source=src_dir.name, id=page_id),
                    url_given=bool(url),
                    expected=expected,
                )
            )
    return pages


def expected_text(page: Page) -> tuple[str | None, str | None]:
    """(kind, text) to score against, or (None, why not)."""
    kind = page.expected.get("expected_text_kind")
    text = page.expected.get("text") or ""
    if kind not in ("full", "prefix"):
        return None, "no expected text"
    if not text.strip():
        return None, "expected text empty"
    letters = [c for c in text if c.isalpha()]
    # Some newspaper fixtures hold an annotator's note in capitals instead of the text.
    capitals = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    if len(text) < 200 and len(letters) >= 10 and capitals > 0.8:
        return None, "expected text is an annotator's note"
    return kind, text


def decode(raw: bytes) -> str:
    """The page as text: the declared charset first, then UTF-8, then trafilatura's guess."""
    from trafilatura.utils import decode_file

    match = _DECLARED.search(raw[:4096])
    if match:
        name = match.group(1).decode("ascii").lower()
        # gb2312/gbk pages routinely use characters only gb18030 (their superset) has.
        name = {"gb2312": "gb18030", "gbk": "gb18030", "utf8": "utf-8"}.get(name, name)
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_file(raw)


# --- scoring -------------------------------------------------------------------------------


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text or "").casefold())


def text_score(kind: str, expected: str, got: str | None) -> dict[str, Any]:
    """F1 (full) or prefix recall (prefix) of token multisets, plus precision/recall."""
    exp, out = tokens(expected), tokens(got)
    common = sum((Counter(exp) & Counter(out)).values())
    recall = common / len(exp) if exp else 0.0
    if kind == "prefix":
        return {"score": recall, "recall": recall, "prefix_found": _contains(out, exp)}
    precision = common / len(out) if out else 0.0
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return {"score": f1, "precision": precision, "recall": recall}


def _contains(haystack: list[str], needle: list[str]) -> bool:
    if not needle:
        return True
    first, n = needle[0], len(needle)
    return any(
        haystack[i : i + n] == needle for i in range(len(haystack) - n + 1) if haystack[i] == first
    )


def norm_text(value: str | None) -> str:
    value = unicodedata.normalize("NFKC", value or "").translate(_QUOTES).casefold()
    value = _INVISIBLE.sub("", value)
    return " ".join(value.split()).strip(" .:-|")


def title_match(expected: str, got: str | None) -> dict[str, Any]:
    e, g = norm_text(expected), norm_text(got)
    if not g:
        return {"match": False, "class": "missing"}
    if e == g:
        return {"match": True, "class": "match"}
    if e in g:
        return {"match": False, "class": "ours longer (site name?)"}
    if g in e:
        return {"match": False, "class": "ours shorter"}
    return {"match": False, "class": "different"}


def author_names(value: str | None) -> set[str]:
    value = norm_text(value)
    value = re.sub(r"^(?:by|von|por|par|di|door|av|af|de|text|texto|作者)\s*[:：]?\s+", "", value)
    return {n.strip(" .:-") for n in _NAME_SPLIT.split(value) if n.strip(" .:-")}


def author_match(expected: str, got: str | None) -> dict[str, Any]:
    e, g = author_names(expected), author_names(got)
    if not g:
        return {"match": False, "class": "missing"}
    if e == g or norm_text(expected) == norm_text(got):
        return {"match": True, "class": "match"}
    raw = (got or "").strip()
    if re.match(r"(?:https?:)?//|www\.", raw) or ("/" in raw and " " not in raw):
        cls = "ours is a URL"
    elif raw.startswith(("[", "{")):
        cls = "ours is a JSON-like list"
    elif e & g and e < g:
        cls = "ours has extra names"
    elif e & g and g < e:
        cls = "ours misses names"
    elif e & g:
        cls = "names partly overlap"
    elif any(x in y or y in x for x in e for y in g):
        cls = "name contained (prefix/suffix text)"
    else:
        cls = "different"
    return {"match": False, "class": cls}


def parse_expected_date(value: str) -> tuple[datetime | None, str]:
    """The expected date and its precision: "year", "month" or "day"."""
    from dateutil import parser as dateparser

    value = value.strip()
    if re.fullmatch(r"\d{4}", value):
        return datetime(int(value), 1, 1), "year"
    if re.fullmatch(r"\d{4}-\d{1,2}", value):
        y, m = value.split("-")
        return datetime(int(y), int(m), 1), "month"
    try:
        return dateparser.parse(value), "day"
    except (ValueError, OverflowError):
        return None, "day"


def date_match(expected: str, got: str | None) -> dict[str, Any]:
    exp, precision = parse_expected_date(expected)
    if exp is None:
        return {"match": None, "class": "expected unparsable"}
    if not got:
        return {"match": False, "class": "missing"}
    try:
        ours = datetime.fromisoformat(got)
    except ValueError:
        return {"match": False, "class": "ours unparsable"}
    # Compare in the expected's own timezone; a naive side is taken at its face value.
    local = ours.astimezone(exp.tzinfo) if exp.tzinfo and ours.tzinfo else ours
    if precision == "year":
        ok = local.year == exp.year
    elif precision == "month":
        ok = (local.year, local.month) == (exp.year, exp.month)
    else:
        ok = local.date() == exp.date()
    detail = _date_detail(exp, ours, precision)
    if ok:
        return {"match": True, "class": "match", "days_off": 0, "detail": detail}
    days = (local.date() - exp.date()).days
    if precision == "day" and exp.tzinfo and ours.tzinfo and ours.tzinfo != exp.tzinfo:
        same_clock = ours.replace(tzinfo=None) == exp.replace(tzinfo=None)
        if same_clock or ours.time() == exp.time():
            return {
                "match": False,
                "class": "offset lost (same wall clock)",
                "days_off": days,
                "detail": detail,
            }
        if abs((ours - exp).total_seconds()) < 86400:
            return {
                "match": False,
                "class": "timezone shift across midnight",
                "days_off": days,
                "detail": detail,
            }
    if ours.date() == date.today() or local.date() == date.today():
        cls = "ours is today (fallback)"
    elif abs(days) <= 1:
        cls = "one day off"
    else:
        cls = "different date"
    return {"match": False, "class": cls, "days_off": days, "detail": detail}


def _date_detail(exp: datetime, ours: datetime, precision: str) -> str:
    """How the instants compare where both carry a time (for offset diagnosis)."""
    has_time = precision == "day" and (exp.hour, exp.minute, exp.second) != (0, 0, 0)
    if not has_time:
        return "expected has no time"
    if not ours.tzinfo or not exp.tzinfo:
        if ours.replace(tzinfo=None) == exp.replace(tzinfo=None):
            return "same wall clock (a side is naive)"
        return "naive side, time differs" if ours.date() == exp.date() else "naive side"
    if ours == exp:
        same_offset = ours.utcoffset() == exp.utcoffset()
        return "same instant" + ("" if same_offset else ", other offset")
    if ours.replace(tzinfo=None) == exp.replace(tzinfo=None):
        return f"same wall clock, offset {ours.utcoffset()} instead of {exp.utcoffset()}"
    if (ours - exp).total_seconds() % 1800 == 0 and abs((ours - exp).total_seconds()) <= 14 * 3600:
        return f"shifted by {(ours - exp).total_seconds() / 3600:+.1f} h"
    return "time differs"


# --- running -------------------------------------------------------------------------------


def run_product(page: Page, timeout: int, project: Path = ROOT) -> dict[str, Any]:
    # The command's own timeout ends it first; ours is only the last resort.
    cmd = ["timeout", str(timeout), str(SCRAPY), "article", str(page.path), "--url", page.url]
    ran = run_command(cmd, timeout + 15, project)
    code, out, err, seconds = ran.code, ran.out, ran.err, ran.seconds
    record: dict[str, Any] | None = None
    if code == 0:
        try:
            record = json.loads(out)
        except json.JSONDecodeError:
            record = None
    return {"exit": code, "stdout": out, "stderr": err, "record": record, "seconds": seconds}


def run_in_process(page: Page, timeout: int, project: Path = ROOT) -> dict[str, Any]:
    """What ``scrapy article`` prints, from the same functions called in this process
    (much faster than a process per page; the same record, or the same one-line error)."""
    import traceback

    from crawler.commands.article import REFUSED, as_json
    from crawler.page_source import read_source
    from pipelines.model import Article, ArticlePage
    from pipelines.pages.extract import extract_page, refused_record

    start = time.monotonic()
    try:
        page_read = read_source(str(page.path), page.url)
        item = ArticlePage(page_read.url, page_read.body, "text/html", 200, page_read.fetched_at)
        result = extract_page(item)
        refused = None if isinstance(result, Article) else refused_record(item)
    except Exception:  # reported as the CLI would: a traceback on stderr
        err = traceback.format_exc()
        return {"exit": 1, "stdout": "", "stderr": err, "record": None, "seconds": 0.0}
    seconds = time.monotonic() - start
    if isinstance(result, Article):
        record, err = as_json(result), ""
    elif refused is not None:
        record, err = as_json(refused[0]), f"{REFUSED}: {refused[1]}."
    else:
        err = f"Error: {result.url}: {result.error}"
        return {"exit": 1, "stdout": "", "stderr": err, "record": None, "seconds": seconds}
    out = json.dumps(record, ensure_ascii=False)
    return {"exit": 0, "stdout": out, "stderr": err, "record": record, "seconds": seconds}


# The stderr line of ``scrapy article`` on a page a crawl would not store (its REFUSED).
REFUSED_LINE = "Not stored by a crawl, not an article"


def reason_of(result: dict[str, Any]) -> tuple[str | None, str | None]:
    """(group, one-line reason) of a failed run, or (None, None)."""
    err = result["stderr"]
    if "Traceback" in err:
        last = [ln for ln in err.strip().splitlines() if ln.strip()]
        return "traceback", last[-1] if last else "traceback"
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    # A page a crawl would refuse: the command shows its record and says why on stderr.
    refused = next((ln for ln in lines if ln.startswith(REFUSED_LINE)), None)
    if result["exit"] == 0 and not refused:
        if result["record"] is None:
            return "bad output", "stdout is not one JSON object"
        return None, None
    if result["exit"] == 124:
        return "timeout", "timed out"
    line = refused or (lines[-1] if lines else f"exit status {result['exit']}")
    line = line[len(REFUSED_LINE) :].strip(" :.") if refused else line
    reason = re.sub(r"^(?:Error: \S+: )?(?:not an article: )?", "", line)
    if reason.startswith("a listing page"):
        return "a listing page", reason
    if reason.startswith("main text too short"):
        return "main text too short", reason
    return "other", reason


def run_trafilatura(page: Page, html: str) -> dict[str, Any]:
    import trafilatura
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    start = time.process_time()
    try:
        text = trafilatura.extract(html, include_comments=False, url=page.url)
        meta = extract_metadata(load_html(html), default_url=page.url)
        error = None
    except Exception as exc:  # the comparison must not stop the run
        text, meta, error = None, None, f"{type(exc).__name__}: {exc}"
    return {
        "text": text,
        "title": getattr(meta, "title", None),
        "author": getattr(meta, "author", None),
        "published": getattr(meta, "date", None),
        "error": error,
        "seconds": time.process_time() - start,
    }


def evaluate(
    page: Page,
    timeout: int,
    with_trafilatura: bool,
    dump: Path | None,
    project: Path = ROOT,
    in_process: bool = False,
) -> dict[str, Any]:
    result = (run_in_process if in_process else run_product)(page, timeout, project)
    group, reason = reason_of(result)
    # A page a crawl would refuse scores as the crawl stores it: nothing.
    rec = {} if group else result["record"] or {}
    exp = page.expected
    row: dict[str, Any] = {
        "source": page.source,
        "group": page.group,
        "id": page.id,
        "file": str(page.path.relative_to(CORPUS.parent.parent)),
        "url": page.url,
        "url_given": page.url_given,
        "synthetic": bool(exp.get("synthetic")),
        "lang": exp.get("lang"),
        "exit": result["exit"],
        "seconds": round(result["seconds"], 2),
        "traceback": "Traceback" in result["stderr"],
        "failure": group,
        "reason": reason,
        "stderr_tail": "\n".join(result["stderr"].strip().splitlines()[-25:]) or None,
        "ours": {
            "title": rec.get("title"),
            "author": rec.get("author"),
            "published": rec.get("published"),
            "lang": rec.get("lang"),
            "text_chars": len(rec.get("text") or ""),
            "text_head": (rec.get("text") or "")[:300] or None,
        },
        "expected": {
            "title": exp.get("title"),
            "author": exp.get("author"),
            "published": exp.get("published"),
            "text_kind": exp.get("expected_text_kind"),
            "text_chars": len(exp.get("text") or ""),
        },
    }
    kind, etext = expected_text(page)
    if kind is None:
        row["text_skipped"] = etext
    else:
        row["text"] = text_score(kind, etext or "", rec.get("text"))
    if exp.get("title"):
        row["title"] = title_match(exp["title"], rec.get("title"))
    if exp.get("author"):
        row["author"] = author_match(exp["author"], rec.get("author"))
    if exp.get("published"):
        row["published"] = date_match(exp["published"], rec.get("published"))
    traf: dict[str, Any] | None = None
    if with_trafilatura:
        traf = run_trafilatura(page, decode(gzip.decompress(page.path.read_bytes())))
        row["trafilatura"] = {
            "text_chars": len(traf["text"] or ""),
            "title_value": traf["title"],
            "author_value": traf["author"],
            "published_value": traf["published"],
            "error": traf["error"],
            "seconds": round(traf["seconds"], 2),
        }
        if kind is not None:
            row["trafilatura"]["text"] = text_score(kind, etext or "", traf["text"])
        if exp.get("title"):
            row["trafilatura"]["title"] = title_match(exp["title"], traf["title"])
        if exp.get("author"):
            row["trafilatura"]["author"] = author_match(exp["author"], traf["author"])
        if exp.get("published"):
            row["trafilatura"]["published"] = date_match(exp["published"], traf["published"])
    if dump is not None:
        base = dump / page.source
        base.mkdir(parents=True, exist_ok=True)
        (base / f"{page.id}.ours.json").write_text(result["stdout"], "utf-8")
        (base / f"{page.id}.stderr.txt").write_text(result["stderr"], "utf-8")
        if traf is not None:
            (base / f"{page.id}.trafilatura.txt").write_text(traf["text"] or "", "utf-8")
    return row


# --- summary -------------------------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def _rate(rows: list[dict[str, Any]], key: str, sub: str | None = None) -> dict[str, Any]:
    """Share of rows matching on ``key`` (a rejected page counts as a miss)."""
    scored = [r[sub][key] if sub else r[key] for r in rows if key in (r.get(sub, {}) if sub else r)]
    scored = [s for s in scored if s.get("match") is not None]
    hits = sum(bool(s["match"]) for s in scored)
    return {
        "n": len(scored),
        "match": hits,
        "rate": round(hits / len(scored), 3) if scored else None,
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    failures = Counter(r["failure"] for r in rows if r["failure"])
    text_rows = [r for r in rows if "text" in r]
    accepted = [r for r in text_rows if r["exit"] == 0 and not r["failure"]]
    traf_rows = [r for r in rows if "text" in r.get("trafilatura", {})]
    kinds = {r["expected"]["text_kind"] for r in text_rows}
    return {
        "pages": len(rows),
        "ok": sum(1 for r in rows if not r["failure"]),
        "tracebacks": failures.get("traceback", 0),
        "failures": dict(failures),
        "text_kind": "/".join(sorted(k for k in kinds if k)) or None,
        "text_scored": len(text_rows),
        "text_score": _mean([r["text"]["score"] for r in text_rows]),
        "text_score_accepted": _mean([r["text"]["score"] for r in accepted]),
        "text_score_trafilatura": _mean([r["trafilatura"]["text"]["score"] for r in traf_rows]),
        "prefix_found": sum(1 for r in text_rows if r["text"].get("prefix_found")),
        "title": _rate(rows, "title"),
        "author": _rate(rows, "author"),
        "published": _rate(rows, "published"),
        "title_trafilatura": _rate(rows, "title", "trafilatura"),
        "author_trafilatura": _rate(rows, "author", "trafilatura"),
        "published_trafilatura": _rate(rows, "published", "trafilatura"),
        "seconds_median": _mean([statistics.median([r["seconds"] for r in rows])])
        if rows
        else None,
    }


def run(
    sources: Iterable[str] | None = None,
    limit: int | None = None,
    jobs: int = 2,
    timeout: int = 120,
    with_trafilatura: bool = True,
    dump_dir: Path | None = None,
    project: Path = ROOT,
    progress: Callable[[str], None] | None = None,
    in_process: bool = False,
) -> dict[str, Any]:
    """Score every selected page; returns per-page rows, per-group and overall summaries."""
    pages = load_pages(sources, limit)
    if not pages:
        return {"pages": [], "groups": {}, "overall": {}, "skipped": f"no pages under {CORPUS}"}
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    # In process the work holds the interpreter: one page at a time.
    with ThreadPoolExecutor(max_workers=1 if in_process else max(1, jobs)) as pool:
        futures = [
            pool.submit(evaluate, p, timeout, with_trafilatura, dump_dir, project, in_process)
            for p in pages
        ]
        for i, fut in enumerate(futures, 1):
            row = fut.result()
            rows.append(row)
            if progress:
                score = row.get("text", {}).get("score")
                shown = f"{score:.2f}" if score is not None else "-"
                progress(f"[{i}/{len(pages)}] {row['file']} exit={row['exit']} text={shown}")
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_group[row["group"]].append(row)
    real = [r for r in rows if not r["synthetic"]]
    return {
        "corpus": str(CORPUS),
        "command": "scrapy article PAGE --url URL" + (" (in process)" if in_process else ""),
        "project": str(project),
        "wall_seconds": round(time.monotonic() - started, 1),
        "groups": {g: summarise(rs) for g, rs in sorted(by_group.items())},
        "overall": summarise(real),
        "overall_with_synthetic": summarise(rows),
        "pages": rows,
    }


def _pct(rate: dict[str, Any]) -> str:
    return f"{rate['rate'] * 100:3.0f}% /{rate['n']:<3}" if rate["n"] else "    -    "


def _num(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "  -  "


def table(result: dict[str, Any]) -> str:
    head = (
        f"{'source':<22} {'pages':>5} {'ok':>4} {'tb':>3} {'list':>4} {'short':>5} {'other':>5}"
        f"  {'text':>5} {'(acc)':>5} {'traf':>5}  {'title':>9} {'author':>9} {'date':>9}"
        f"  {'s/page':>6}"
    )
    lines = [head, "-" * len(head)]
    rows = [
        *result["groups"].items(),
        ("overall (real pages)", result["overall"]),
        ("overall (all)", result["overall_with_synthetic"]),
    ]
    for name, s in rows:
        if not s:
            continue
        f = s["failures"]
        other = sum(v for k, v in f.items() if k not in ("traceback", "a listing page"))
        other -= f.get("main text too short", 0)
        label = name + (" *" if s["text_kind"] == "prefix" else "")
        lines.append(
            f"{label:<22} {s['pages']:>5} {s['ok']:>4} {s['tracebacks']:>3}"
            f" {f.get('a listing page', 0):>4} {f.get('main text too short', 0):>5} {other:>5}"
            f"  {_num(s['text_score'])} {_num(s['text_score_accepted'])}"
            f" {_num(s['text_score_trafilatura'])}  {_pct(s['title'])} {_pct(s['author'])}"
            f" {_pct(s['published'])}  {s['seconds_median'] or 0:>6.1f}"
        )
    lines.append(
        "text = mean token F1 vs expected (rejected pages count 0), (acc) = over accepted pages"
        " only, traf = plain trafilatura;\n* prefix expectations: recall of the prefix tokens."
        " title/author/date: match rate / pages where the corpus gives it."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", action="append", help="only this source (repeatable)")
    parser.add_argument("--limit", type=int, help="at most N pages of each source")
    parser.add_argument("--jobs", type=int, default=2, help="pages processed at once")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per page")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip the comparison")
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument("--dump-dir", type=Path, help="keep raw outputs here (use /tmp)")
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="run the command from this checkout"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-page progress")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="call the command's functions here instead of one process per page (faster)",
    )
    args = parser.parse_args(argv)
    result = run(
        sources=args.source,
        limit=args.limit,
        jobs=args.jobs,
        timeout=args.timeout,
        with_trafilatura=not args.no_trafilatura,
        dump_dir=args.dump_dir,
        project=args.project,
        progress=None if args.quiet else lambda m: print(m, file=sys.stderr, flush=True),
        in_process=args.in_process,
    )
    return report(result, table(result) if result["pages"] else "", args.json)


if __name__ == "__main__":
    sys.exit(main())
