"""``CardsSeen`` (spider middleware, next to the spider): counts the cards each listing page
gave, before any later component holds or filters their rows, so the verdict knows whether
a start URL's first page showed cards at all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from scrapy.http import Response

from crawler.extensions.tally import Tally
from pipelines.model import ListingHit

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class CardsSeen:
    """Spider middleware counting the cards each listing page gave."""

    def __init__(self, crawler: Crawler) -> None:
        self.tally = Tally.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CardsSeen:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for item in result:
            if isinstance(item, ListingHit):
                self.tally.card_seen(item, response.meta)
            yield item

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            if isinstance(item, ListingHit):
                self.tally.card_seen(item, response.meta)
            yield item
