"""Settings of the listings project: every setting of ours and its default, in one place.

Override any of them per run with ``-s NAME=VALUE``.
"""

import os

BOT_NAME = "listings"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- dataset ---------------------------------------------------------------------------
# Root of the dataset (articles/, listing_hits/, errors/, crawls/): a path, or an object
# store URI such as s3://bucket/prefix (see docs/distributed.md).
DATA_DIR = os.environ.get("LISTINGS_DATA_DIR", "data")
# Object stores only: the local directory for the index and the files being written;
# empty means ~/.cache/listings/<hash of DATA_DIR>.
LISTINGS_STATE_DIR = ""
# Rows buffered per Parquet row group, and rows per file before a new file is started.
PARQUET_ROW_GROUP_ROWS = 500
PARQUET_ROLL_ROWS = 5000
# Per-site overrides (TOML); empty means the sites.toml at the project root.
LISTINGS_SITES_FILE = ""

# --- history ---------------------------------------------------------------------------
# "on": keep every response as WARC 1.1 under DATA_DIR/warc/ (re-extraction with
# `scrapy reprocess`).
LISTINGS_WARC = "off"
# Bytes per WARC file before the next one is started.
LISTINGS_WARC_ROLL_BYTES = 256 * 1024 * 1024
# WARC files whose responses answer every request (set by `scrapy reprocess`).
LISTINGS_REPLAY_WARC: list[str] = []
# Edited articles: a run asks again (conditional GET: If-None-Match / If-Modified-Since)
# for stored articles last checked more than this many days ago; a changed text becomes a
# new version (articles/ and versions/). 0: off. Fractions are allowed.
LISTINGS_RECHECK_DAYS = 0.0
# At most this many rechecks per run (the oldest checks first), so a daily run stays small.
LISTINGS_RECHECK_MAX = 100

# --- extraction ------------------------------------------------------------------------
# Extraction processes: "auto" (one per core), or N; 0 extracts in the crawl process.
LISTINGS_EXTRACT_WORKERS = "auto"
# The function that turns a downloaded page into a row (an ``(page, site, options)``
# callable); another one can be plugged in without touching the crawl.
LISTINGS_EXTRACTOR = "pipelines.pages.extract.extract_page"
# The per-crawler runtime object (dataset, index, writers) that the item pipelines use.
LISTINGS_RUNTIME = "crawler.runtime.crawl_runtime"
# Seconds one page may take to extract before it becomes an errors/ row.
LISTINGS_EXTRACT_TIMEOUT = 30.0
# Shortest main text (characters, CJK counted triple) that still makes a page an article;
# half of it for a page that declares itself one (og:type, JSON-LD).
LISTINGS_MIN_TEXT_CHARS = 200
# Extra banner/label strings to strip from every text and excerpt.
LISTINGS_BOILERPLATE: list[str] = []

# --- crawl shape -----------------------------------------------------------------------
# Listing pages followed per start URL (a bound against endless pagination).
LISTINGS_MAX_PAGES = 1000
# A run fails (non-zero exit) when more than this share of article pages became errors.
LISTINGS_MAX_ERROR_SHARE = 0.5
# "auto": the feed an HTML listing declares (<link rel=alternate>) is read beside it, filling
# what its cards leave out and adding the posts only the feed lists; a start listing with
# no cards reads that feed instead, or the sitemaps its robots.txt names; "off": never.
LISTINGS_DISCOVER = "auto"
# With discovery on, a listing that declares no feed and whose cards lack dates with an offset:
# files tried in turn in its folder for the feed a generator writes without linking it (Hexo
# and ABlog atom.xml, Jekyll feed.xml, Hugo index.xml, rss.xml, WordPress feed/); [] never.
LISTINGS_FEED_GUESSES = ["atom.xml", "feed.xml", "index.xml", "rss.xml", "feed/"]
# Listing pages built in the browser by a script, rendered in Chromium (scrapy-playwright):
# "auto" renders a listing page only when its HTML shows no cards, declares no feed and looks
# like a JavaScript app; "always" renders every HTML listing page; "never" none. A site's
# `render = true` in sites.toml renders its listing pages unless this is "never".
LISTINGS_RENDER = "auto"
# Seconds one page may take in the browser: loading, then waiting for its scripts to go quiet.
LISTINGS_RENDER_TIMEOUT = 20.0
# Browser pages open at once (each Chromium tab costs tens of MB).
LISTINGS_RENDER_PAGES = 2
# The Chromium binary (Debian's package); empty: the first `chromium` on PATH.
LISTINGS_CHROMIUM = "/usr/bin/chromium"
# Its flags: no sandbox (containers, root), no GPU, and none of its own network traffic.
LISTINGS_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Pages fetched per host in one crawl (0: no limit); a bound against link farms.
LISTINGS_MAX_REQUESTS_PER_HOST = 50_000
# Scheduled runs: stop paging once a listing page shows only articles already stored.
LISTINGS_STOP_ON_KNOWN_PAGE = True
# The crawl's id (names its files); empty: made from the start time.
LISTINGS_CRAWL_ID = ""

# --- politeness and robustness ---------------------------------------------------------
USER_AGENT = "listings/0.1 (blog listing crawler built on Scrapy)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Scrapy starts this many tasks for every response's output; ours yield one article page
# or one listing's links, and the default of 100 cost more than the parsing.
CONCURRENT_ITEMS = 16
DOWNLOAD_TIMEOUT = 30.0
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 0
# Request fingerprints on disk (SQLite), not in a set that grows with the crawl.
DUPEFILTER_CLASS = "crawler.dupefilter.DiskDupeFilter"
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote-control server (aiohttp, a port, a job file in the home directory):
# off for unattended crawls, -s REMOTE_CONTROL_ENABLED=True to use it.
REMOTE_CONTROL_ENABLED = False
HTTPERROR_ALLOW_ALL = False
# Seconds before the first retry of a failed page, doubled at each retry, at most the max.
LISTINGS_RETRY_BACKOFF = 1.0
LISTINGS_RETRY_BACKOFF_MAX = 30.0
# Longest Retry-After (seconds) honoured; a server asking for more gets an errors/ row at once.
LISTINGS_MAX_RETRY_AFTER = 120.0
# Host names resolving to loopback/private/link-local addresses are refused (unless a start host).
TWISTED_DNS_RESOLVER = "crawler.resolver.PublicOnlyResolver"

# Scrapy's own HTTP/1.1 downloader, but for requests marked for rendering (crawler/render.py);
# rendering needs the asyncio reactor, Scrapy's default (TWISTED_REACTOR).
DOWNLOAD_HANDLERS = {
    "http": "crawler.render.RenderingDownloadHandler",
    "https": "crawler.render.RenderingDownloadHandler",
}

DOWNLOADER_MIDDLEWARES = {
    # Answers requests for the bundled demo site from files, with no network.
    "crawler.middlewares.demo_site.DemoSiteMiddleware": 950,
    # Host rules, per-host limit and retry waits, before robots.txt and the network.
    "crawler.middlewares.request_guard.RequestGuard": 60,
    # Redirects checked and Retry-After read before redirects and retries are handled.
    "crawler.middlewares.response_guard.ResponseGuard": 650,
    # Every response as WARC (LISTINGS_WARC), as received: before redirects and retries.
    "crawler.middlewares.warc_archive.WarcArchiveMiddleware": 700,
    # Meta-refresh redirects without decoding every page whole to look for them.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.meta_refresh.RawMetaRefreshMiddleware": 580,
}
SPIDER_MIDDLEWARES = {
    # Next to the spider: counts each listing page's cards for the run's verdict.
    "crawler.extensions.cards_seen.CardsSeen": 990,
    "crawler.middlewares.known_articles.KnownArticlesMiddleware": 950,
    # Links not followed (other host, private address, depth, length) become errors/ rows.
    "crawler.middlewares.link_guard.LinkGuard": 925,
}
ITEM_PIPELINES = {
    "pipelines.stages.ExtractArticles": 100,
    "pipelines.stages.DeduplicateArticles": 200,
    "pipelines.stages.WriteDataset": 300,
}
EXTENSIONS = {
    "crawler.extensions.CrawlRecord": 100,
    "crawler.extensions.Progress": 110,
    "crawler.extensions.ReleaseMemory": 120,
}
ADDONS = {"crawler.addons.DistributedCrawl": 0}

# --- distributed crawling (docs/distributed.md) ---------------------------------------------
# A Redis URL makes this process one worker of a shared crawl (scrapy-redis); empty: local.
REDIS_URL = ""
# Requests a worker holds at once (0: CONCURRENT_REQUESTS_PER_DOMAIN); the rest stays in Redis.
LISTINGS_WORKER_PREFETCH = 0
# Seconds without a heartbeat before a worker is taken for dead and its leases recovered.
LISTINGS_WORKER_TTL = 60.0
# Seconds between a worker's checkpoints (files committed, leases released).
LISTINGS_CHECKPOINT_SECONDS = 120.0
# Seconds an idle worker waits on an empty queue before it finishes.
LISTINGS_DRAIN_SECONDS = 30.0

# --- what a run shows -------------------------------------------------------------------
# Seconds between two progress lines (listing pages, articles, errors, pages/s, per site);
# 0 turns them off.
LISTINGS_PROGRESS_SECONDS = 10.0
# Seconds between two hand-backs of the crawl process's freed memory to the system (glibc's
# malloc_trim; a few milliseconds each); 0 turns them off.
LISTINGS_RELEASE_MEMORY_SECONDS = 5.0
LOG_LEVEL = "INFO"
# Scrapy's stats dump at the end goes to DEBUG (with -L DEBUG); the per-site summary is ours.
STATS_DUMP = False
FEED_EXPORT_ENCODING = "utf-8"
