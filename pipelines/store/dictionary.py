"""The data dictionary: what every column of every table means, for the analyst.

``python -m pipelines.store.dictionary`` prints it as Markdown; ``data/README.md`` is that
output, and a test keeps the two, and the schema, in step.
"""

from __future__ import annotations

from pipelines.store.schema import TABLES

TABLE_NOTES = {
    "articles": "One row per article version: unique by `url` but for edited articles (`LISTINGS_RECHECK_DAYS`), whose new text is a new row until `scrapy compact` keeps the latest (highest `version`). The latest per URL: `QUALIFY row_number() OVER (PARTITION BY url ORDER BY version DESC) = 1`.",
    "listing_hits": "One row per article card seen on a listing page, per crawl.",
    "errors": "One row per URL that could not become a record, with where and why.",
    "crawls": "One row per crawl (a crawl killed before its end leaves none).",
    "aliases": "Every URL under which an article was linked or reached.",
    "versions": "Every version of each article whose text changed after it was stored (its first version included), for diffs; an article never edited has no rows here.",
}

COLUMNS: dict[str, dict[str, str]] = {
    "articles": {
        "url": "canonical article URL: after redirects, without fragment and tracking parameters (utm_*, ...), same-site rel=canonical honoured",
        "site": "host name of `url` (e.g. `blog.example.com`)",
        "title": "article title",
        "author": "author, where the page names one",
        "published": "publication date/time (UTC) as the page or its card states it; null when neither does",
        "category": "primary category",
        "tags": "tags/keywords; an empty list if none",
        "excerpt": "the listing card's excerpt, cleaned",
        "text": "the full main text, cleaned (no banners, navigation, share buttons, comments); paragraphs joined by newlines",
        "lang": "language of the prose as langdetect codes it: ISO 639-1 (`en`, `fr`), plus `zh-cn` / `zh-tw` for Chinese; code and formulas left out",
        "lang_prob": "langdetect's probability for `lang` (0 to 1)",
        "code_blocks": "code blocks in the article page",
        "formulas": "formulas in the article page",
        "content_hash": "hash of the normalised text: equal text, equal hash (exact duplicates under other URLs)",
        "duplicate_of": "url of an article stored earlier whose text is nearly the same (near-duplicate, by text fingerprint); null if none. The row is kept: filter `duplicate_of IS NULL` for unique texts",
        "listing_url": "listing page on which the article was first found",
        "first_seen": "when this crawler first extracted the article (UTC), not when it was published: see `published`",
        "crawl_id": "the crawl that extracted it (joins `crawls.crawl_id`)",
        "warc_file": "the WARC file (under `warc/`) holding the article page, when the crawl archived (`LISTINGS_WARC=on`); else null",
        "warc_offset": "byte offset of the page's response record in `warc_file`; else null",
        "version": "1 for the text first stored, 2, 3, ... for each changed text a recheck found (`versions/` holds them all); null in files written before schema 1.2 (read as 1)",
        "modified": "last modification date/time (UTC) as the page declares it (`article:modified_time`, JSON-LD `dateModified`); null when it does not",
        "etag": "the response's `ETag` header, sent back as `If-None-Match` when the article is rechecked; null if none",
        "last_modified": "the response's `Last-Modified` header as sent, sent back as `If-Modified-Since`; null if none",
    },
    "listing_hits": {
        "crawl_id": "the crawl that saw the card",
        "seen_at": "when the listing page was read (UTC)",
        "listing_url": "the listing page",
        "page": "1-based page number of the listing (1 = the start URL's page)",
        "position": "1-based position of the card on that page (1 = top)",
        "url": "canonical article URL, as in `articles.url`: every hit whose article is stored joins it",
        "card_url": "the link as the card showed it",
        "site": "host of the listing page",
        "source": "where the card came from: `html` (a listing page), `feed` (RSS, Atom, JSON Feed) or `sitemap`",
        "title": "title as shown on the card",
        "excerpt": "excerpt as shown on the card, cleaned",
        "category": "category as shown on the card",
        "published": "date as shown on the card (UTC)",
        "warc_file": "the WARC file holding the listing page, when the crawl archived; else null",
        "warc_offset": "byte offset of the listing page's response record in `warc_file`; else null",
    },
    "errors": {
        "crawl_id": "the crawl that met the error",
        "at": "when (UTC)",
        "url": "the URL as the crawl was given it (before redirects)",
        "site": "host of `url`",
        "stage": "where it stopped: `download` (HTTP error, timeout, refused link, robots.txt), `extract` (not an article, too little text, extraction failed or timed out) or `store` (the dataset could not be written)",
        "status": "HTTP status where there was one, else null",
        "error": "the reason in words, e.g. `HTTP 404`, `text shorter than 200 characters`",
        "gone": "true when a recheck of a stored article got 404 or 410: the article left the site; its `articles` row is kept and it is not rechecked again. False otherwise (null in files before schema 1.2)",
    },
    "crawls": {
        "crawl_id": "the crawl's id: its UTC start time and a random suffix (`20260111T031500Z-3fa2c1`)",
        "started": "start (UTC)",
        "finished": "end (UTC)",
        "start_urls": "the listing pages it started from",
        "pages_fetched": "HTTP responses received (listing pages, article pages, robots.txt)",
        "articles_new": "rows it added to `articles`",
        "listing_hits": "rows it added to `listing_hits`",
        "duplicates": "articles it dropped as already stored, plus near-duplicates it marked",
        "errors": "rows it added to `errors`",
        "finish_reason": "Scrapy's close reason: `finished` (ran to its end), `shutdown` (Ctrl-C or SIGTERM), `store_error` (the dataset could not be written), or another reason Scrapy gives (`closespider_*`)",
        "status": "`ok` or `failed`: the run's verdict, as its exit status (0 / 1) says",
        "failure": "for a failed run, the one sentence saying why (e.g. a start URL whose first listing page gave no cards, naming the site and the likely cause); null when ok",
    },
    "aliases": {
        "alias": "a URL under which the article was linked or reached (a card link, a redirect hop, a non-canonical address)",
        "url": "the article's canonical URL (`articles.url`)",
        "crawl_id": "the crawl that met the alias",
        "seen_at": "when (UTC)",
    },
    "versions": {
        "url": "the article's canonical URL (`articles.url`)",
        "version": "1 for the first stored text, then 2, 3, ... in the order the changes were found",
        "fetched_at": "when this version was downloaded (UTC); for version 1, the article's `first_seen`",
        "modified": "last modification date/time (UTC) as the page declared it; null when it did not",
        "content_hash": "hash of the normalised text (as `articles.content_hash`)",
        "text": "the cleaned main text of this version",
        "title": "the title of this version",
        "crawl_id": "the crawl that downloaded this version",
    },
}


def describe_markdown() -> str:
    """Every table and column, as the Markdown of ``data/README.md``'s dictionary."""
    lines = []
    for table, schema in TABLES.items():
        lines += [f"### {table}/", "", TABLE_NOTES.get(table, ""), ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        for f in schema:
            kind = f"{f.type}" + ("" if f.nullable else ", not null")
            lines.append(f"| `{f.name}` | {kind} | {COLUMNS.get(table, {}).get(f.name, '')} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe_markdown())
