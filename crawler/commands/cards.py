"""``scrapy cards SOURCE [--url URL]``: the cards and next page the crawl would see."""

from __future__ import annotations

import argparse
import json

from crawler.page_command import PageCommand
from pipelines.pages.listing import detect_cards


class Command(PageCommand):
    """``scrapy cards``: print the cards and next page of one listing page."""

    def short_desc(self) -> str:
        return "Print the article cards and next page detected on a listing page (JSON Lines)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        loaded = self.load(args, opts)
        if loaded is None:
            return
        _, address, tree, site = loaded
        listing = detect_cards(tree, address, site, self.boilerplate())
        for card in listing.cards:
            print(json.dumps(card.to_json(), ensure_ascii=False))
        if listing.next_url:
            print(json.dumps({"kind": "next", "url": listing.next_url}, ensure_ascii=False))
