"""Deployment to a real scrapyd on 127.0.0.1: deploy the egg, schedule the spider, check the dataset."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.crawl import table
from tests.helpers.paths import ROOT
from tests.helpers.sitegen import build_site, posts

pytestmark = pytest.mark.skipif(shutil.which("scrapyd") is None, reason="scrapyd not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(url: str, data: dict[str, str] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as response:  # loopback only
        return json.loads(response.read())


def test_deploy_and_schedule(serve: Any, tmp_path: Path) -> None:
    site, data, home = tmp_path / "site", tmp_path / "data", tmp_path / "scrapyd"
    named_data = tmp_path / "named"
    build_site(site, posts(12), per_page=5)
    base, _ = serve(site)
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home}/eggs\nlogs_dir = {home}/logs\ndbs_dir = {home}/dbs\nitems_dir =\n"
        "max_proc = 2\npoll_interval = 0.5\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert call(api + "daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.3)
        # Deploy with scrapyd-deploy, as a user would, to a target pointing at this scrapyd.
        egg = tmp_path / "listings.egg"
        build = subprocess.run(
            ["scrapyd-deploy", f"--build-egg={egg}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert build.returncode == 0, build.stderr
        deploy_dir = tmp_path / "deploy"
        deploy_dir.mkdir()
        (deploy_dir / "scrapy.cfg").write_text(
            f"[settings]\ndefault = crawler.settings\n\n[deploy:local]\nurl = {api}\nproject = listings\n"
        )
        deployed = subprocess.run(
            ["scrapyd-deploy", "local", "-p", "listings", "--version", "1", f"--egg={egg}"],
            cwd=deploy_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert deployed.returncode == 0 and '"status": "ok"' in deployed.stdout + deployed.stderr, (
            deployed.stdout + deployed.stderr
        )
        assert call(api + "listspiders.json?project=listings")["spiders"] == ["listings"]
        job = call(
            api + "schedule.json",
            {
                "project": "listings",
                "spider": "listings",
                "start_urls": base,
                "setting": f"DATA_DIR={data}",
            },
        )
        assert job["status"] == "ok"
        # A named site: its start URLs come from the sites.toml packaged in the egg.
        named = call(
            api + "schedule.json",
            {
                "project": "listings",
                "spider": "listings",
                "site": "demo",
                "setting": f"DATA_DIR={named_data}",
            },
        )
        assert named["status"] == "ok"
        deadline = time.monotonic() + 180
        while True:
            jobs = call(api + "listjobs.json?project=listings")
            done = {j["id"] for j in jobs["finished"]}
            if {job["jobid"], named["jobid"]} <= done:
                break
            assert time.monotonic() < deadline, "the scheduled jobs did not finish"
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    rows = table(data, "articles").to_pylist()
    assert len(rows) == 12 == len({r["url"] for r in rows})
    assert table(data, "crawls").to_pylist()[0]["finish_reason"] == "finished"
    (named_crawl,) = table(named_data, "crawls").to_pylist()
    assert named_crawl["start_urls"] == ["http://demo.listings.invalid/"]
    # The demo's pages are read as package resources, from inside the zipped egg too.
    assert (named_crawl["status"], named_crawl["failure"]) == ("ok", None)
    assert table(named_data, "articles").num_rows == 34
