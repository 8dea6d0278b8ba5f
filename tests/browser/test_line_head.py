"""条线 head in a real browser: one category across the district, fixed in the filter bar, a hand-made
link to another category or district falling back to theirs, pages outside the role refused."""
from __future__ import annotations

import pytest

from tests.browser.conftest import open_as, shot


def _no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


def _category_box(page):
    return page.locator("[data-testid='stSelectbox']").filter(has_text="类别").first


def test_the_line_head_compares_the_districts_courts_in_their_category(server, page):
    open_as(page, f"{server}/compare", user="demo_line")
    page.get_by_role("heading", name="对比分析").first.wait_for()
    box = _category_box(page)
    assert box.locator("input").input_value() == "民事" and box.locator("input").is_disabled()
    assert "cat=%E6%B0%91%E4%BA%8B" in page.url  # 民事, written into the link
    page.get_by_text("明湖市城关区人民法院").first.wait_for()
    _no_error(page)
    shot(page, "line_compare")


def test_a_link_to_another_category_or_district_falls_back_to_the_line(server, page):
    open_as(page, f"{server}/compare?cat=刑事&court=示02", user="demo_line")
    page.get_by_role("heading", name="对比分析").first.wait_for()
    assert _category_box(page).locator("input").input_value() == "民事"
    court = page.locator("[data-testid='stSelectbox']").filter(has_text="法院").first.locator("input")
    assert court.input_value() == "明湖市中级人民法院"
    assert page.get_by_text("court=示02").count() and page.get_by_text("cat=刑事").count()  # said so, not silently
    _no_error(page)


@pytest.mark.parametrize("path,title", [("/management", "审判管理"), ("/screen", "大屏"), ("/data", "数据概况")])
def test_pages_outside_the_line_are_refused(server, page, path, title):
    open_as(page, f"{server}{path}", user="demo_line")
    assert page.get_by_role("heading", name=title).count() == 0
    assert page.get_by_role("link", name=title).count() == 0  # nor in the navigation
