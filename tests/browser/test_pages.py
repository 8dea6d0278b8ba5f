"""Every dashboard page in a real browser: loads with no exception, draws, switches language."""
from __future__ import annotations

import pytest

from tests.browser.conftest import shot, wait_ready

PAGES = [("", "态势总览", 1), ("compare", "对比分析", 2), ("trends", "趋势分析", 1),
         ("definitions", "指标说明", 0), ("data", "数据概况", 2)]


@pytest.mark.parametrize("path,title,charts", PAGES, ids=[p[0] or "overview" for p in PAGES])
def test_page_loads_and_draws(server, page, path, title, charts):
    page.goto(f"{server}/{path}")
    wait_ready(page, 60000)
    assert page.get_by_role("heading", name=title).first.is_visible()
    assert page.get_by_text("数据截至").first.is_visible()
    if charts:
        page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                               timeout=30000)
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= charts
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
    shot(page, f"{path or 'overview'}_zh")


def test_english_switch(server, page):
    page.goto(f"{server}/?lang=English")
    wait_ready(page, 60000)
    assert page.get_by_role("heading", name="Overview").first.is_visible()
    assert page.get_by_text("Data as of").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    shot(page, "overview_en")


def test_filter_change_redraws_without_error(server, page):
    page.goto(f"{server}/")
    wait_ready(page, 60000)
    page.get_by_text("年初累计").first.click()  # switch to the single quarter
    page.wait_for_url("**cum=false**", timeout=30000)
    wait_ready(page, 60000)
    assert "cum=false" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("2026年第三季度").first.is_visible()
