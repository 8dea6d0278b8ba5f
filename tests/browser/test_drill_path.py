"""A drill-down on 对比分析 says where it led, on every page the narrowed scope carries over to, with
one click back up; the browser's Back returns to the view before it."""
from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import open_as, shot, wait_ready

QINGLAN = "%E7%A4%BA02"  # 示02, 青岚市中级人民法院


def _first_unit(page) -> str:
    """Click the first unit's mark of the ranking and return its name."""
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.locator("svg").first.wait_for(timeout=60000)
    page.wait_for_timeout(1000)
    mark = chart.locator("g.role-mark path[aria-label*='unit: ']").first
    name = re.search(r"unit: ([^;]+)", mark.get_attribute("aria-label")).group(1).strip()
    box = mark.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return name


def _path(page) -> str:
    return " ".join(page.locator(".st-key-drill_path").inner_text().split())


def _selected(page, name: str) -> bool:
    return page.locator("[data-testid='stSelectbox'] input").first.input_value() == name


def _settled(page, url_holds) -> None:
    """After Back or Forward: the address is that entry's, and the page has drawn it. If it never
    is, the failure lists the addresses the page went through and the length of its history."""
    try:
        page.wait_for_url(url_holds, timeout=60000)
    except PlaywrightTimeoutError:
        entries = page.evaluate("history.length")
        raise AssertionError(f"address {page.url}, {entries} history entries, after:\n  "
                             + "\n  ".join(page.addresses)) from None
    page.wait_for_timeout(1500)  # the run that entry starts
    wait_ready(page, 60000)


def test_drill_down_shows_its_path_and_back_returns(server, page):
    open_as(page, f"{server}/compare?court={QINGLAN}")  # 青岚市中院 with its district: its courts
    assert page.locator(".st-key-drill_path").count() == 0
    court = _first_unit(page)
    page.wait_for_url("**trail=**", timeout=60000)
    wait_ready(page, 60000)
    assert _path(page) == f"下钻路径 青岚市中级人民法院辖区 › {court}"
    assert _selected(page, court)
    shot(page, "drill_path_compare")
    division = _first_unit(page)  # a division of that court: its judges
    page.wait_for_url("**level=judge**", timeout=60000)
    wait_ready(page, 60000)
    assert _path(page) == f"下钻路径 青岚市中级人民法院辖区 › {court} › {court}{division}"
    drilled = page.url

    # the browser's Back: one step up the path, then the view the drill-down started from
    page.go_back()
    _settled(page, lambda url: "level=division" in url)
    assert _path(page) == f"下钻路径 青岚市中级人民法院辖区 › {court}"
    page.go_back()
    _settled(page, lambda url: "trail" not in url and "level=court" in url)
    assert page.locator(".st-key-drill_path").count() == 0
    assert _selected(page, "青岚市中级人民法院") and "district=false" not in page.url
    page.go_forward()
    _settled(page, lambda url: "level=division" in url)
    page.go_forward()
    _settled(page, drilled)
    assert _path(page).endswith(f"› {court}{division}")

    # 综合评估 and 会商报告 keep the narrower scope, and say so
    for title in ("综合评估", "会商报告"):
        page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()
        page.get_by_role("heading", name=title).first.wait_for(timeout=60000)
        wait_ready(page, 120000)
        assert _path(page) == f"下钻路径 青岚市中级人民法院辖区 › {court}", title
        assert _selected(page, court)
        shot(page, f"drill_path_{'assessment' if title == '综合评估' else 'briefing'}")

    # one click back up to where it started
    page.locator(".st-key-drill_path").get_by_role("button", name="青岚市中级人民法院辖区").click()
    page.wait_for_url(lambda url: "trail" not in url, timeout=60000)
    wait_ready(page, 120000)
    assert page.locator(".st-key-drill_path").count() == 0
    assert _selected(page, "青岚市中级人民法院") and "district=false" not in page.url
    assert page.locator("[data-testid='stException']").count() == 0 and page.errors == []


def test_drill_path_in_english(server, page):
    open_as(page, f"{server}/compare?court={QINGLAN}&lang=English")
    court = _first_unit(page)
    page.wait_for_url("**trail=**", timeout=60000)
    wait_ready(page, 60000)
    assert _path(page) == f"Drilled down 青岚市中级人民法院 and its district › {court}"
    shot(page, "drill_path_compare_en")


def test_a_heat_map_cell_drills_down_too(server, page):
    open_as(page, f"{server}/compare?court={QINGLAN}")
    heat = page.locator("[data-testid='stVegaLiteChart']").nth(1)
    heat.locator("svg").first.wait_for(timeout=60000)
    page.wait_for_timeout(1000)
    cell = heat.locator("g.role-mark path[aria-label*='unit: ']").nth(1)  # a court of the district (the first is 青岚 itself)
    court = re.search(r"unit: ([^;]+)", cell.get_attribute("aria-label")).group(1).strip()
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**trail=**", timeout=60000)
    wait_ready(page, 60000)
    assert _path(page) == f"下钻路径 青岚市中级人民法院辖区 › {court}"
    assert _selected(page, court) and "level=division" in page.url


def test_back_from_another_page_returns_to_the_drilled_view_in_one_press(server, page):
    open_as(page, f"{server}/compare?court={QINGLAN}")
    court = _first_unit(page)
    _settled(page, "**trail=**")
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="综合评估", exact=True).click()
    _settled(page, "**/assessment?**trail=**")
    page.go_back()
    _settled(page, "**/compare?**")
    assert _path(page) == f"下钻路径 青岚市中级人民法院辖区 › {court}" and "level=division" in page.url
    page.go_back()
    _settled(page, lambda url: "trail" not in url)
    assert _selected(page, "青岚市中级人民法院") and "level=court" in page.url
    page.go_forward()
    _settled(page, "**/compare?**trail=**")
    page.go_forward()  # onto 综合评估 again
    _settled(page, "**/assessment?**trail=**")
    assert _path(page) == f"下钻路径 青岚市中级人民法院辖区 › {court}"
    assert page.locator("[data-testid='stException']").count() == 0 and page.errors == []
