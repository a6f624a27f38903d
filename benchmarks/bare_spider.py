"""The ceiling: fetch the same listing and article pages, parse links, do nothing else.

scrapy runspider benchmarks/bare_spider.py -a start_url=http://127.0.0.1:PORT/
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        self.articles = 0
        self.links = 0

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        for href in response.css("article.post-card h2 a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)
        for href in response.css("a.next::attr(href)").getall()[:1]:
            yield response.follow(href, callback=self.parse)

    def parse_article(self, response: Response) -> None:
        self.links += len(response.css("a::attr(href)").getall())
        self.articles += 1

    def closed(self, reason: str) -> None:
        self.crawler.stats.set_value("bare/articles", self.articles)
        self.crawler.stats.set_value("bare/links", self.links)
        self.logger.info("bare: %d article pages, %d links parsed", self.articles, self.links)
