"""What the pages say about what they draw, in a real browser: the assessment's judges of one
division, the compare caption naming the marks it draws."""
from __future__ import annotations

import duckdb
import pytest

from tests.browser.conftest import open_as, shot, wait_ready


def _scored(page) -> tuple[int, int]:
    """有得分的单位 n/m."""
    n, m = page.locator("[data-testid='stMetric']").first.inner_text().split("\n")[-1].split("/")
    return int(n), int(m)


def test_the_assessment_of_judges_offers_their_division(server, demo_db, page):
    with duckdb.connect(demo_db, read_only=True) as con:
        in_division = con.execute("SELECT count(DISTINCT judge_id) FROM cases WHERE court_code = '示0101' "
                                  "AND division = '民一庭'").fetchone()[0]
        in_court = con.execute("SELECT count(DISTINCT judge_id) FROM cases WHERE court_code = '示0101'").fetchone()[0]
    assert 0 < in_division < in_court
    open_as(page, f"{server}/assessment?level=judge&court=示0101&district=false")
    page.get_by_text("平均综合得分").first.wait_for()
    assert _scored(page)[1] == in_court  # every division at first
    page.get_by_label("部门", exact=True).click()
    page.get_by_role("option", name="民一庭", exact=True).click()
    wait_ready(page)
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stMetric']\").innerText.includes("
                           f"'/{in_court}')", timeout=30000)
    assert _scored(page)[1] == in_division
    assert "division=%E6%B0%91%E4%B8%80%E5%BA%AD" in page.url  # 民一庭, in the link
    assert page.get_by_text("橙红色：下降（退位）").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    shot(page, "assessment_one_division")


def test_the_compare_caption_names_dots_or_bars(server, page):
    open_as(page, f"{server}/compare?court=示01")  # 审限内结案率: dots on a zoomed axis
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    assert page.get_by_text("点击圆点可下钻。", exact=False).count() == 1
    assert page.get_by_text("点击条形", exact=False).count() == 0
    page.goto(f"{server}/compare?court=示01&ind=closed")  # a count: bars from zero
    wait_ready(page)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    assert page.get_by_text("点击条形可下钻。", exact=False).count() == 1
    assert page.get_by_text("点击圆点", exact=False).count() == 0


def test_the_briefing_preview_tables_have_no_row_numbers(server, page):
    open_as(page, f"{server}/briefing")
    tables = page.locator("[data-testid='stTable']")
    tables.first.wait_for(timeout=60000)
    assert tables.count() >= 2
    assert page.get_by_role("cell", name="新收", exact=True).first.is_visible()  # the first column is the indicator
    assert tables.locator("tbody th[scope='row']").count() == 0  # no index column 0, 1 … 18
    assert tables.locator("thead th.index_name").count() == 0


def test_an_unknown_address_is_answered_in_the_interface_language(server, page):
    open_as(page, f"{server}/nosuchpage")  # the sign-in form first, at that address
    page.get_by_role("heading", name="没有这个页面").wait_for(timeout=30000)
    assert page.get_by_text("没有地址为 nosuchpage 的页面").first.is_visible()
    assert page.get_by_role("dialog").count() == 0 and page.get_by_text("Page not found").count() == 0
    shot(page, "page_not_found_zh")
    page.get_by_role("link", name="回到首页").click()
    page.get_by_role("heading", name="态势总览").first.wait_for(timeout=30000)
    page.goto(f"{server}/nosuchpage?lang=English")
    wait_ready(page)
    page.get_by_role("heading", name="Page not found").wait_for(timeout=30000)
    assert page.get_by_text("There is no page at nosuchpage").first.is_visible()
    assert page.get_by_role("dialog").count() == 0


def test_a_page_the_role_may_not_open_is_answered_in_chinese(server, page):
    open_as(page, f"{server}/import", user="demo_judge")
    page.get_by_role("heading", name="没有这个页面").wait_for(timeout=30000)
    assert page.get_by_role("dialog").count() == 0
    assert page.get_by_role("heading", name="数据导入").count() == 0


def _audit_cells(page) -> list[str]:
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.locator("[role='gridcell']").first.wait_for(state="attached", timeout=30000)  # the grid's hidden twin
    return [c.strip() for c in grid.locator("[role='gridcell']").all_text_contents()]


def test_the_audit_log_reads_in_the_interface_language(server, page):
    open_as(page, f"{server}/audit")  # the demo sign-in is the newest entry: sign_in, "demo"
    cells = _audit_cells(page)
    assert "登录" in cells and "演示用户" in cells
    assert not {"sign_in", "demo", "sign_out", "rollback", "import", "export"} & set(cells)
    shot(page, "audit_log_zh")
    page.goto(f"{server}/audit?lang=English")
    wait_ready(page)
    cells = _audit_cells(page)
    assert "Sign-in" in cells and "demo user" in cells and "登录" not in cells


@pytest.mark.parametrize("user,landing,heading", [("demo_leader", "overview", "态势总览"),
                                                  ("demo_judge", "my_cases", "我的案件")])
def test_the_landing_page_s_own_name_is_no_unknown_address(server, page, user, landing, heading):
    """The first page also answers at its file's name: that address opens it, it does not fail."""
    open_as(page, f"{server}/{landing}", user=user)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=30000)
    assert page.get_by_text("Two pages resolve").count() == 0 and page.get_by_role("dialog").count() == 0
