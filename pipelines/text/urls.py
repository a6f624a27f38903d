"""URL canonicalisation: one URL per article, whatever link, redirect or campaign led to it."""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Query parameters that only track where a click came from; never part of an article's identity.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "igshid",
        "spm",
        "from",
        "share_token",
        "ref_src",
        "vd_source",
        # Session ids: a new one per visit would make every page a new URL (a crawler trap).
        "phpsessid",
        "jsessionid",
        "sessionid",
        "session_id",
        "sessid",
        "zenid",
        "oscsid",
        "cftoken",
        "cfid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "_ga", "aspsessionid")
# ``;jsessionid=...`` and the like, carried in the path itself.
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#;]*", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_RE = re.compile(r"^[a-z0-9.\-\[\]:]+$")


class BadURL(ValueError):
    """Not an http(s) URL that can be crawled."""


def is_tracking_param(name: str) -> bool:
    """Whether the query parameter ``name`` only tracks visitors (``utm_*``, ``fbclid``...)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute, normalised URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, percent-encoding made safe, ``/`` for an empty path.

    Raises BadURL for anything that is not http(s) with a host.
    """
    # Plain str keys: lxml's attribute strings would keep their whole tree alive in the cache.
    url = str(url or "")
    if base:
        head = url.lstrip()[:8].lower()
        if head.startswith(("http://", "https://")):
            base = None  # the base changes nothing, and the key is the same on every page
        elif head.startswith("/") and not head.startswith("//"):
            base = _origin(str(base))  # only the base's scheme and host count
    return _canonical(url, str(base) if base else None)


@functools.lru_cache(maxsize=1024)
def _origin(base: str) -> str:
    try:
        parts = urlsplit(base)
    except ValueError:
        return base
    return urlunsplit((parts.scheme, parts.netloc, "/", "", "")) if parts.netloc else base


# A listing page links each article several times and every page repeats its menus: every
# hit comes from the same page or the one before, so a small cache finds them all (the same
# hits with 512 entries as with 16,384 over 600 listing pages); a large one only holds the
# article URLs met once, up to 5 MB in every process of the crawl.
@functools.lru_cache(maxsize=2048)
def _canonical(url: str, base: str | None) -> str:
    raw = (url or "").strip()
    try:
        if base:
            raw = urljoin(base, raw)
        parts = urlsplit(safe_url_string(raw))
    except ValueError as exc:  # a port that is no number, an unbalanced IPv6 bracket
        raise BadURL(f"not a valid URL: {url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise BadURL(f"not an http(s) URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    if not _HOST_RE.match(host):
        raise BadURL(f"bad host in URL: {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"bad port in URL: {url!r}") from exc
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # Parameters kept as written (no re-encoding): only tracking ones are dropped.
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not is_tracking_param(unquote_plus(pair.split("=", 1)[0]))
    )
    path = _PATH_SESSION.sub("", parts.path) or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def site_of(url: str) -> str:
    """The host name of a URL (the ``site`` column)."""
    return _host(str(url))


@functools.lru_cache(maxsize=8192)  # a listing page asks this of every link, twice
def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def same_site(url: str, other: str) -> bool:
    """Same host, ignoring a leading ``www.``."""

    def bare(u: str) -> str:
        h = site_of(u)
        return h[4:] if h.startswith("www.") else h

    return bare(url) == bare(other)


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local and other non-public addresses.

    A name is resolved only if it is not an address literal; a name that does not
    resolve counts as public (the download will then fail on its own).
    """
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except (OSError, UnicodeError):
            return False
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return any(not a.is_global for a in addresses)
