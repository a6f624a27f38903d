"""The crawl's middlewares, one component per module.

Downloader middlewares: ``demo_site.DemoSiteMiddleware`` (the bundled demo, no network),
``request_guard.RequestGuard`` (host rules, per-host bound, retry waits),
``response_guard.ResponseGuard`` (redirects checked, ``Retry-After`` read) and
``meta_refresh.RawMetaRefreshMiddleware``. Spider middlewares: ``link_guard.LinkGuard``
(links not followed become errors/ rows) and ``known_articles.KnownArticlesMiddleware``
(scheduled runs do only new work). ``scope`` holds what the guards share.
"""
