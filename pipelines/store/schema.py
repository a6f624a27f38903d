"""The dataset contract, declared once: every table's pyarrow schema.

The writer, the tests and the docs (``python -m pipelines.store.schema``) all read these.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1.2"
METADATA_KEY = b"listings.schema_version"

_TS = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("author", pa.string()),
        pa.field("published", _TS),
        pa.field("category", pa.string()),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("excerpt", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("lang", pa.string()),
        pa.field("lang_prob", pa.float32()),
        pa.field("code_blocks", pa.int32()),
        pa.field("formulas", pa.int32()),
        pa.field("content_hash", pa.string()),
        pa.field("duplicate_of", pa.string()),
        pa.field("listing_url", pa.string()),
        pa.field("first_seen", _TS),
        pa.field("crawl_id", pa.string()),
        pa.field("warc_file", pa.string()),
        pa.field("warc_offset", pa.int64()),
        # Edited articles (LISTINGS_RECHECK_DAYS): 1 for the first text, 2 for the next, ...
        pa.field("version", pa.int32()),
        pa.field("modified", _TS),
        pa.field("etag", pa.string()),
        pa.field("last_modified", pa.string()),
    ]
)

# Every version of every article whose text changed once stored (its first one included).
VERSIONS = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("fetched_at", _TS),
        pa.field("modified", _TS),
        pa.field("content_hash", pa.string()),
        pa.field("text", pa.string()),
        pa.field("title", pa.string()),
        pa.field("crawl_id", pa.string()),
    ]
)

LISTING_HITS = pa.schema(
    [
        pa.field("crawl_id", pa.string()),
        pa.field("seen_at", _TS),
        pa.field("listing_url", pa.string()),
        pa.field("page", pa.int32()),
        pa.field("position", pa.int32()),
        pa.field("url", pa.string()),
        pa.field("card_url", pa.string()),
        pa.field("site", pa.string()),
        pa.field("source", pa.string()),
        pa.field("title", pa.string()),
        pa.field("excerpt", pa.string()),
        pa.field("category", pa.string()),
        pa.field("published", _TS),
        pa.field("warc_file", pa.string()),
        pa.field("warc_offset", pa.int64()),
    ]
)

ERRORS = pa.schema(
    [
        pa.field("crawl_id", pa.string()),
        pa.field("at", _TS),
        pa.field("url", pa.string()),
        pa.field("site", pa.string()),
        pa.field("stage", pa.string()),
        pa.field("status", pa.int32()),
        pa.field("error", pa.string()),
        pa.field("gone", pa.bool_()),
    ]
)

CRAWLS = pa.schema(
    [
        pa.field("crawl_id", pa.string()),
        pa.field("started", _TS),
        pa.field("finished", _TS),
        pa.field("start_urls", pa.list_(pa.string())),
        pa.field("pages_fetched", pa.int64()),
        pa.field("articles_new", pa.int64()),
        pa.field("listing_hits", pa.int64()),
        pa.field("duplicates", pa.int64()),
        pa.field("errors", pa.int64()),
        pa.field("finish_reason", pa.string()),
        pa.field("status", pa.string()),
        pa.field("failure", pa.string()),
    ]
)

# Every URL under which an article was linked or reached; a request for one is never
# downloaded again.
ALIASES = pa.schema(
    [
        pa.field("alias", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("crawl_id", pa.string()),
        pa.field("seen_at", _TS),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "listing_hits": LISTING_HITS,
    "errors": ERRORS,
    "crawls": CRAWLS,
    "aliases": ALIASES,
    "versions": VERSIONS,
}

ERROR_STAGES = ("download", "extract", "store")


def with_version(schema: pa.Schema) -> pa.Schema:
    """The schema as written to files: carries the contract version."""
    return schema.with_metadata({METADATA_KEY: SCHEMA_VERSION.encode()})


def describe() -> str:
    """A Markdown rendering of every table, for the docs."""
    lines = [f"Dataset schema v{SCHEMA_VERSION}", ""]
    for name, schema in TABLES.items():
        lines += [f"## {name}/", "", "| column | type | nullable |", "|---|---|---|"]
        lines += [f"| {f.name} | {f.type} | {'yes' if f.nullable else 'no'} |" for f in schema]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe())
