"""``scrapy push``: seed start URLs into the shared queue of a distributed crawl, watch it.

    scrapy push https://blog.example.com/ [URL ...] -s REDIS_URL=redis://host:6379/0
    scrapy push --site myblog -s REDIS_URL=...     # the start URLs of a site in sites.toml
    scrapy push --status [--json] -s REDIS_URL=...  # queue, workers, their counters
    scrapy push --clear -s REDIS_URL=...            # forget an unfinished run's frontier

A pushed URL becomes exactly the request the crawl makes for a start URL, and goes through
the same shared seen-set: pushing a URL that is already queued or crawled in this run does
nothing. Workers started anywhere pick the requests up.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand

from crawler.addons import DistributedCrawl
from crawler.arguments import ArgumentError, parse_start_urls
from crawler.runtime import sites_file
from pipelines.pages.sites import SiteConfigError, load_sites
from pipelines.text.urls import site_of

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def fail(message: str) -> None:
    """Print ``message`` as one ``Error:`` line on stderr."""
    print(f"Error: {message}", file=sys.stderr)


class Command(ScrapyCommand):
    """``scrapy push``: seed start URLs into a distributed crawl's queue, or show its state."""

    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[URL ...] [--site NAME] | --status [--json] | --clear"

    def short_desc(self) -> str:
        return "Seed start URLs into the shared queue of a distributed crawl, or show its state"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--site", help="push the start URLs of this site of sites.toml")
        parser.add_argument("--status", action="store_true", help="show the shared crawl")
        parser.add_argument("--json", action="store_true", help="--status as one JSON object")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="forget the queue, seen-set and leases (only when no worker is alive)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        settings = self.settings.copy()
        if not settings.get("REDIS_URL"):
            fail("REDIS_URL is not set: pass -s REDIS_URL=redis://host:6379/0")
            self.exitcode = 2
            return
        DistributedCrawl().update_settings(settings)
        # Imported only now: without REDIS_URL nothing of scrapy-redis is needed.
        import redis
        from scrapy_redis import connection

        server = connection.from_settings(settings)
        try:
            server.ping()
            if opts.status:
                self.show_status(server, settings, as_json=opts.json)
            elif opts.clear:
                self.clear(server, settings)
            else:
                self.push(server, settings, args, opts.site)
        except redis.RedisError as exc:
            fail(f"Redis at {settings.get('REDIS_URL')} cannot be used: {exc}")
            self.exitcode = 1

    def start_urls(self, args: list[str], site_name: str | None) -> tuple[str, ...]:
        assert self.settings is not None
        urls = parse_start_urls(",".join(args)) if args else ()
        if site_name:
            path = sites_file(self.settings)
            try:
                sites = load_sites(path)
            except SiteConfigError as exc:
                raise ArgumentError(f"per-site config is broken: {exc}") from None
            if site_name not in sites:
                raise ArgumentError(f"site {site_name!r} is not in {path}")
            urls += parse_start_urls(list(sites[site_name].start_urls))
        if not urls:
            raise ArgumentError("give one or more start URLs, or --site NAME")
        return tuple(dict.fromkeys(urls))

    def push(
        self, server: Any, settings: BaseSettings, args: list[str], site_name: str | None
    ) -> None:
        from scrapy.utils.misc import load_object
        from scrapy_redis.dupefilter import RFPDupeFilter

        from crawler.distributed import HOSTS_KEY, frontier_keys, new_run
        from crawler.spiders.listings import ListingsSpider

        try:
            urls = self.start_urls(args, site_name)
        except ArgumentError as exc:
            fail(str(exc))
            self.exitcode = 2
            return
        # A spider instance only builds and names the requests, exactly as the crawl does.
        spider = ListingsSpider()
        queue_key, seen_key = frontier_keys(settings, spider.name)
        serializer = settings.get("SCHEDULER_SERIALIZER")  # a module, as scrapy-redis takes it
        queue = load_object(settings["SCHEDULER_QUEUE_CLASS"])(
            server, spider, queue_key, importlib.import_module(serializer) if serializer else None
        )
        seen = RFPDupeFilter(server, key=seen_key)
        new_run(server, settings)
        # Hosts first: a worker that pops one of these requests must find its host allowed.
        server.sadd(HOSTS_KEY, *sorted({site_of(u) for u in urls}))
        for url in urls:
            request = spider.listing_request(url, page=1, start_url=url)
            if seen.request_seen(request):
                print(f"already queued or crawled in this run: {url}")
                continue
            queue.push(request)
            print(f"queued: {url}")

    def show_status(self, server: Any, settings: BaseSettings, *, as_json: bool) -> None:
        from crawler.distributed import status

        info = status(server, settings)
        if as_json:
            print(json.dumps(info, default=str))
            return
        alive = [w for w in info["workers"] if w.get("alive")]
        print(f"queue    {info['queued']} requests waiting")
        print(f"seen     {info['seen']} requests in this run")
        print(f"hosts    {', '.join(info['hosts']) or '-'}")
        print(f"index    {info['index_articles']} articles stored or being written")
        print(f"workers  {len(alive)} alive")
        now = time.time()
        for w in info["workers"]:
            state = w.get("state", "starting")
            if w.get("registered") and not w.get("alive"):
                state = "dead (its requests go back to the queue)"
            age = now - float(w.get("updated", now))
            print(
                f"  {w['worker']}  {state:<9} pages {w.get('pages', 0):>6}  "
                f"articles {w.get('articles', 0):>6}  errors {w.get('errors', 0):>4}  "
                f"leased {w.get('leased', 0):>4}  updated {age:.0f} s ago"
            )

    def clear(self, server: Any, settings: BaseSettings) -> None:
        from crawler.distributed import HOSTS_KEY, frontier_keys, worker_keys
        from pipelines.store.redis_index import ALIVE_PREFIX, WORKERS_KEY

        workers = [w.decode() for w in server.smembers(WORKERS_KEY)]
        alive = [w for w in workers if server.exists(ALIVE_PREFIX + w)]
        if alive:
            fail(f"{len(alive)} worker(s) still running ({', '.join(alive)}): stop them first")
            self.exitcode = 1
            return
        keys = [*frontier_keys(settings), HOSTS_KEY, WORKERS_KEY]
        keys += [key for w in workers for key in worker_keys(w)]
        server.delete(*keys)
        print("The shared queue, seen-set and leases are cleared; the dataset index is kept.")
