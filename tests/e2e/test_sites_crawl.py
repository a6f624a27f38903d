"""Per-site overrides in a real crawl: a site by name, and a broken sites file stopping it with one sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.pages.sites import SiteConfigError, load_sites
from tests.helpers.crawl import crawl, table
from tests.unit.test_sites import SITES, build_odd_site


def test_crawl_a_configured_site_by_name(serve: Any, tmp_path: Path) -> None:
    build_odd_site(tmp_path / "s")
    base, _ = serve(tmp_path / "s")
    config = tmp_path / "sites.toml"
    config.write_text(SITES.format(base=base), encoding="utf-8")
    result = crawl("-a", "site=odd", "-s", f"LISTINGS_SITES_FILE={config}", data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = table(tmp_path / "d", "articles").to_pylist()
    assert len(rows) == 5
    assert all("Subscribe" not in r["text"] for r in rows)
    assert {r["category"] for r in rows} == {"随笔"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sites.x]\ncard = 'div[['\n", "not a valid selector"),
        ("[sites.x]\ncolour = 'blue'\n", "unknown key"),
        ("[sites.x\n", "not valid TOML"),
        ("[sites.x]\ntimezone = 'Mars/Olympus'\n", "unknown timezone"),
        ("[sites.x]\nskip_paths = ['(']\n", "bad skip_paths"),
    ],
)
def test_broken_config(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "sites.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SiteConfigError, match=message):
        load_sites(config)
    result = crawl("-s", f"LISTINGS_SITES_FILE={config}", data_dir=tmp_path / "d")
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "d" / "articles").exists()
