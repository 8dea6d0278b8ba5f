"""审判管理, 清积 and the 涉企 filter in a real browser, under the roles that may open them."""
from __future__ import annotations

import pytest

from present.text import TEXT
from tests.browser.conftest import open_as, shot, wait_ready


def _no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


@pytest.mark.parametrize("user", ["demo_admin", "demo_leader", "demo_head"])
def test_management_page_under_each_manager(server, page, user):
    open_as(page, f"{server}/management", user=user)
    assert page.get_by_role("heading", name="审判管理").first.is_visible()
    for heading in ("院庭长办案", "四类案件监督", "简转普（按部门）"):
        page.get_by_role("heading", name=heading).first.wait_for()
    for card in ("简转普率", "年初积案化解率", "院庭长办案占比", "四类案件阅核率"):
        assert page.get_by_text(card, exact=True).first.is_visible()
    _no_error(page)
    shot(page, f"management_{user}")


def test_management_is_not_served_to_a_judge(server, page):
    open_as(page, f"{server}/management", user="demo_judge")
    assert page.get_by_role("heading", name="审判管理").count() == 0
    assert page.get_by_role("heading", name="院庭长办案").count() == 0


def test_backlog_campaign_in_node_control(server, page):
    open_as(page, f"{server}/warnings", user="demo_leader")
    heading = page.get_by_role("heading", name="清积攻坚").first
    heading.wait_for()
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")
    assert page.get_by_text("均衡进度").first.is_visible() or page.get_by_text("已化解").first.is_visible()
    assert page.get_by_text("年初积案明细").first.is_visible()
    _no_error(page)
    page.screenshot(path="tests/artifacts/backlog_campaign.png")


ENTERPRISE_PAGES = ["compare", "assessment", "profile", "trends", "warnings", "management", "enforcement", "source",
                    "briefing"]


def test_enterprise_filter_is_carried_through_every_page(server, page):
    """Switched on once, 涉企 stays on across the pages (in the link too) and changes the figures."""
    open_as(page, f"{server}/", user="demo_admin")
    received = page.locator(".spzx-card").filter(has_text="新收").first
    all_cases = received.locator(".spzx-value").inner_text()
    page.get_by_text("涉企", exact=True).first.click()
    wait_ready(page)
    assert "ent=true" in page.url
    enterprise = received.locator(".spzx-value").inner_text()
    as_number = lambda s: int(s.replace(",", "").rstrip("件"))  # noqa: E731
    assert 0 < as_number(enterprise) < as_number(all_cases) / 2  # 涉企 are a quarter to a third of civil and enforcement
    nav = page.locator("[data-testid='stSidebarNav']")
    for key in ENTERPRISE_PAGES:
        title = TEXT[f"page_{key}"][0]
        link = nav.get_by_role("link", name=title, exact=True)
        if not link.count():  # in the collapsed part of a long navigation
            nav.get_by_text("View").first.click()
        nav.get_by_role("link", name=title, exact=True).click()
        page.get_by_role("heading", name=title).first.wait_for(timeout=60000)
        wait_ready(page, 60000)
        assert "ent=true" in page.url, key
        assert page.get_by_role("switch", name="涉企").first.is_checked(), key
        _no_error(page)


def _screen_received(page) -> int:
    card = page.locator("[data-testid='stMetric']").filter(has_text="新收").first
    card.wait_for(timeout=60000)
    return int(card.locator("[data-testid='stMetricValue']").inner_text().replace(",", "").rstrip("件"))


def test_the_big_screen_honours_the_enterprise_filter(server, page, browser):
    other = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    open_as(other, f"{server}/screen", user="demo_leader")
    everything = _screen_received(other)
    assert "涉企" not in other.locator("h1").first.inner_text()
    other.context.close()
    open_as(page, f"{server}/screen?ent=true", user="demo_leader")
    assert "涉企" in page.locator("h1").first.inner_text()
    enterprise = _screen_received(page)
    assert 0 < enterprise < everything
    _no_error(page)
    shot(page, "screen_enterprise")


@pytest.mark.parametrize("user", ["demo_admin", "demo_leader", "demo_line", "demo_head"])
def test_business_environment_sets_enterprise_cases_against_all(server, page, user):
    open_as(page, f"{server}/business", user=user)
    page.get_by_role("heading", name="各法院：涉企与全部案件").first.wait_for()
    received = page.locator("[data-testid='stMetric']").filter(has_text="新收").first
    ours = int(received.locator("[data-testid='stMetricValue']").inner_text().replace(",", "").rstrip("件"))
    caption = page.get_by_text("全部案件：").first  # under the first card, 新收
    every = int(caption.inner_text().split("：")[1].replace(",", "").rstrip("件"))
    assert 0 < ours < every
    assert page.get_by_text("平均审理天数").count() and page.get_by_text("执行到位率").count()
    _no_error(page)
    shot(page, f"business_{user}")


def test_business_environment_is_not_served_to_a_judge(server, page):
    open_as(page, f"{server}/business", user="demo_judge")
    assert page.get_by_role("heading", name="营商环境").count() == 0
