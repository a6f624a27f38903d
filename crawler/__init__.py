"""The Scrapy project of listings: settings, the spider, items, middlewares and commands."""
