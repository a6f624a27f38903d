"""A name shown with no label beside a post's date: a person's, not a place or a section."""

from __future__ import annotations

import pytest

from pipelines.text.names import likely_person


@pytest.mark.parametrize(
    "name",
    [
        "李雷",
        "韩梅梅",
        "欧阳修",
        "張學友",
        "Alice Chen",
        "Jane Doe",
        "Max Blumenthal",
        "かず",
        "김철수",
    ],
)
def test_names_of_people(name: str) -> None:
    assert likely_person(name)


@pytest.mark.parametrize(
    "name",
    [
        "北京",
        "科技",
        "文化",
        "上海",
        "New York",
        "San Francisco",
        "Breaking News",
        "Sports Desk",
        "Palm Beach",
        "Opinion",
    ],
)
def test_places_and_sections(name: str) -> None:
    assert not likely_person(name)
