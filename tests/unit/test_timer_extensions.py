"""Extensions on a timer: read from their setting, off at 0, running only while the spider is."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions import Progress, ReleaseMemory


@pytest.mark.parametrize(
    ("cls", "setting"),
    [(Progress, "LISTINGS_PROGRESS_SECONDS"), (ReleaseMemory, "LISTINGS_RELEASE_MEMORY_SECONDS")],
)
def test_a_timer_extension_follows_its_setting(cls: type, setting: str) -> None:
    ext = cls.from_crawler(get_crawler(settings_dict={setting: 2}))
    assert ext.interval == 2.0
    ext.spider_opened(None)
    assert ext._loop is not None and ext._loop.running and ext._loop.interval == 2.0
    ext.spider_closed(None, "finished")
    assert not ext._loop.running
    ext.spider_closed(None, "finished")  # closing twice is harmless
    for off in (0, -1):
        with pytest.raises(NotConfigured):
            cls.from_crawler(get_crawler(settings_dict={setting: off}))
