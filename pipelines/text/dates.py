"""Dates as people write them on blogs, to timezone-aware UTC datetimes.

A date without a time is midnight; a time without a zone is taken in ``default_tz``
(UTC unless a site says otherwise).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_TIME = (
    r"(?:(?:\s*[（(][^)）\d]{1,4}[)）]|\s*星期[一二三四五六日天]|\s*周[一二三四五六日天])?"
    r"[T\s]+(?:at\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
_PATTERNS = [
    # 2026-01-11, 2026/01/11, 2026.01.11, with an optional time and zone
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)" + _TIME,
        re.I,
    ),
    # 2026年1月11日 10:32
    re.compile(
        r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
        r"(?:\s*[（(][^)）\d]{1,4}[)）]|\s*星期[一二三四五六日天])?"
        r"(?:\s*(?P<ampm>上午|下午|晚上|凌晨|中午))?"
        r"(?:\s*(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?)?"
    ),
    # 11.01.2026 (the day first, as everywhere dots are written)
    re.compile(
        r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})(?!\d)" + _TIME, re.I
    ),
    # 1/11/2026 2:05:31 PM: the month first only where a 12-hour clock says it is American
    re.compile(
        r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d{2}),?\s+(?P<H>\d{1,2}):"
        r"(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)",
        re.I,
    ),
    # Jan 11, 2026 / January 11th 2026
    re.compile(
        r"\b" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})\b" + _TIME,
        re.I,
    ),
    # 11 January 2026 / 11 Jan, 2026
    re.compile(
        r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d{2})\b" + _TIME,
        re.I,
    ),
]


# The zone of a time shown with no offset where the site's zone is not configured: read as
# UTC, but marked, so that the same moment stated with its offset elsewhere (a feed, the
# article's <meta>) can win over it. A name survives pickling; equality does not tell it
# from UTC.
_UNSTATED_NAME = "UTC (no offset stated)"
UNSTATED = timezone(timedelta(0), _UNSTATED_NAME)


def offset_stated(value: datetime) -> bool:
    """Whether ``value`` carries an offset its source stated (or the site's configured zone)."""
    return value.tzinfo is None or value.tzinfo.tzname(value) != _UNSTATED_NAME


def _in_utc(value: datetime) -> datetime:
    return value if not offset_stated(value) else value.astimezone(UTC)


def _zone(tz: str | None, default_tz: tzinfo) -> tzinfo:
    if not tz:
        return default_tz
    tz = tz.upper()
    if tz in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _build(m: re.Match[str], default_tz: tzinfo) -> datetime | None:
    g = m.groupdict()
    month = _MONTHS[g["mon"].lower().rstrip(".")] if g.get("mon") else int(g["m"])
    hour = int(g["H"]) if g.get("H") else 0
    ampm = (g.get("ampm") or "").lower().replace(".", "")
    ampm = {"下午": "pm", "晚上": "pm", "上午": "am", "凌晨": "am"}.get(ampm, ampm)
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        local = datetime(
            int(g["y"]),
            month,
            int(g["d"]),
            hour,
            int(g["M"]) if g.get("M") else 0,
            int(g["S"]) if g.get("S") else 0,
            tzinfo=_zone(g.get("tz"), default_tz),
        )
    except ValueError:
        return None
    return _in_utc(local)


def parse_date(text: str | None, default_tz: tzinfo = UNSTATED) -> datetime | None:
    """The first date found in ``text``, in UTC, or None; a time shown without an offset is
    in ``default_tz`` (``UNSTATED``: read as UTC and marked so)."""
    if not text:
        return None
    text = text.strip()
    iso = _parse_iso(text, default_tz)
    if iso is not None:
        return iso
    best: tuple[int, datetime] | None = None
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            dt = _build(m, default_tz)
            if dt is not None and (best is None or m.start() < best[0]):
                best = (m.start(), dt)
            break
    return best[1] if best else None


def _parse_iso(text: str, default_tz: tzinfo) -> datetime | None:
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+([+-]\d{2}:?\d{2})?)?", candidate):
        return None
    try:
        dt = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_tz)
    return _in_utc(dt)


def contains_date(text: str) -> bool:
    """Whether ``text`` holds something that looks like a date."""
    return any(p.search(text) for p in _PATTERNS)


def isoformat(dt: datetime | None) -> str | None:
    """``dt`` in UTC as ISO 8601, or None."""
    return dt.astimezone(UTC).isoformat() if dt else None
