"""The data dictionary covers every column of the schema, and data/README.md shows it."""

from __future__ import annotations

from pipelines.store.dictionary import COLUMNS, describe_markdown
from pipelines.store.schema import TABLES
from tests.helpers.paths import ROOT


def test_every_column_is_described() -> None:
    missing = [
        f"{table}.{name}"
        for table, schema in TABLES.items()
        for name in schema.names
        if not COLUMNS.get(table, {}).get(name)
    ]
    assert missing == []


def test_data_readme_is_up_to_date() -> None:
    readme = (ROOT / "data" / "README.md").read_text("utf-8")
    assert describe_markdown() in readme, "run: python -m pipelines.store.dictionary"
