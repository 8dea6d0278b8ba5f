"""The meeting's decisions where people already look: action items set through followup.actions
show on 态势总览, on the unit's 画像 and on the big screen's 整改事项 view; a note (批注) on a month
shows on the trend chart as a marker whose tooltip gives its text, in Chinese and in English."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from urllib.parse import quote

import pytest

from tests.browser.conftest import ROOT, open_as, shot, start_server, stop_server, wait_ready
from tests.browser.test_big_screen import EMPTY_JS, READABLE
from tests.browser.test_pages import _screen_view

TODAY = dt.date.today()
DUE = dt.date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 3, 28)  # within this quarter, not before today
NOTE = "3月系统切换，部分案件延后录入"
COURT = "示01"


@pytest.fixture(scope="module")
def followed(tmp_path_factory):
    """A server on its own demo database whose state holds two items of 示01 and a note on its
    closed cases of March, written through followup.actions as the pages and the CLI write them."""
    folder = tmp_path_factory.mktemp("followup_views")
    db = str(folder / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "30000", "--quiet"],
                   cwd=ROOT, check=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPZX_STATE", str(folder / "state.sqlite"))  # the file start_server gives the server
        mp.delenv("SPZX_STATE_URL", raising=False)
        from followup.actions import add_item, add_note
        from followup.model import Unit
        from metrics.db import connect

        con = connect(db)
        court = Unit(COURT, with_subordinates=True)
        for indicator in ("within_limit_rate", "closure_rate"):
            add_item(con, meeting="2026年前三季度数据会商", indicator=indicator, unit=court, target="range", due=DUE,
                     by="office", today=TODAY)
        add_item(con, meeting="2026年前三季度数据会商", indicator="avg_duration", unit=Unit(COURT), target="range",
                 due=DUE, by="office", today=TODAY)
        add_note(con, indicator="closed", unit=court, month="2026-03", text=NOTE, by="office")
        con.close()
    url, proc = start_server(db, log_name="streamlit_followup_views.log")
    yield url
    stop_server(proc)


def test_items_show_on_the_overview_and_the_profile(followed, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    open_as(page, f"{followed}/?court={quote(COURT)}&district=true", user="demo_admin")
    page.get_by_role("heading", name="整改事项").first.wait_for(timeout=60000)
    listed = page.locator("[class*='st-key-fu_overview_items']").inner_text()
    for name in ("审限内结案率", "结案率", "平均审理天数"):  # the district's two and the court's own
        assert name in listed, listed
    assert listed.count("期限 " + DUE.isoformat()) == 3
    assert any(s in listed for s in ("已达标", "进度正常", "有风险", "已逾期"))
    page.locator("[class*='st-key-fu_overview_items']").scroll_into_view_if_needed()
    shot(page, "followup_overview_items")

    page.goto(f"{followed}/profile?court={quote(COURT)}&plevel=court")  # signed in already
    wait_ready(page, 60000)
    page.get_by_role("heading", name="整改事项").first.wait_for(timeout=60000)
    unit_items = page.locator("[class*='st-key-fu_profile_items']")
    unit_items.scroll_into_view_if_needed()
    text = unit_items.inner_text()
    assert all(name in text for name in ("审限内结案率", "结案率", "平均审理天数")), text
    shot(page, "followup_profile_items")
    ctx.close()


def test_the_big_screen_shows_the_items_due_this_quarter(followed, browser):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = ctx.new_page()
    open_as(page, f"{followed}/screen?every=5&court={quote(COURT)}&district=true", user="demo_admin")
    _, first, total = _screen_view(page)
    for number in [(first - 1 + k) % total + 1 for k in range(total)]:
        title = _screen_view(page, number)[0]
        if "整改事项" in title:
            break
    else:
        pytest.fail("no 整改事项 view in the rotation")
    table = page.locator("table.spzx-items")
    table.wait_for(timeout=30000)
    text = table.inner_text()
    assert "审限内结案率" in text and "平均审理天数" in text and DUE.isoformat() in text, text
    page.wait_for_timeout(1000)  # the previous view's elements gone
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('table.spzx-items td')).fontSize)")
    assert size >= READABLE, size  # read from the back of the room
    assert page.evaluate(EMPTY_JS) <= 0.15  # three items fill the screen as the other views do
    shot(page, "followup_screen_items")
    ctx.close()


def _hover(page, chart, points, wanted: str) -> str:
    """Move the mouse over `points` (x, y from the chart's top left) until a tooltip gives `wanted`;
    its text (else the last tooltip seen, or "")."""
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.bounding_box()
    tip, seen = page.locator("#vg-tooltip-element"), ""
    for x, y in points:
        if x >= box["width"] or y >= box["height"]:
            continue
        page.mouse.move(box["x"] + x, box["y"] + y)
        if tip.count() and tip.is_visible():
            seen = tip.inner_text()
            if wanted in seen:
                return seen
    return seen


def choose_note_month(page, month: str):
    """Open the 趋势分析 page's note form and choose `month`, as a user does; the month's box."""
    page.get_by_text("添加批注").click()
    wait_ready(page, 60000)  # the box opened may run the page again
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="批注月份").first
    box.wait_for(timeout=30000)
    box.click()
    page.get_by_role("option", name=month, exact=True).click()
    return box


def save_note(page, text: str) -> None:
    page.get_by_label("批注内容（不超过500字）").fill(text)
    page.get_by_role("button", name="保存批注").click()
    wait_ready(page, 60000)


def _hover_note(page, wanted: str = NOTE) -> str:
    """Along the top of the trend chart, where a note's marker stands."""
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    return _hover(page, chart, [(x, y) for y in (6, 10, 14) for x in range(30, 2000, 4)], wanted)


@pytest.mark.parametrize("language,words", [("中文", ("批注", "2026-03")), ("English", ("Note", "2026-03"))])
def test_a_note_shows_as_a_marker_on_the_trend_chart(followed, browser, language, words):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    open_as(page, f"{followed}/trends?court={quote(COURT)}&district=true&ind=closed&grain=month&lang={language}",
            user="demo_admin")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    text = _hover_note(page)
    shot(page, f"followup_trend_note_{'zh' if language == '中文' else 'en'}")
    assert NOTE in text, text
    assert all(w in text for w in words), text
    ctx.close()


def test_a_note_shows_in_the_comparisons_tooltip(followed, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    open_as(page, f"{followed}/compare?court={quote(COURT)}&district=true&level=court&ind=closed&period=2026Q1",
            user="demo_admin")
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.wait_for(timeout=60000)
    wait_ready(page, 60000)
    # bars from zero (a count): the court's bar is crossed somewhere on a line just right of the names
    text = _hover(page, chart, [(x, y) for x in (240, 300, 400) for y in range(5, 1500, 6)], NOTE)
    shot(page, "followup_compare_note")
    assert NOTE in text and "2026-03" in text and "批注" in text, text
    ctx.close()


def test_a_division_head_adds_a_note_from_the_trend_page(followed, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    open_as(page, f"{followed}/trends?ind=closed&grain=month", user="demo_head")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    written = "5月集中清理长期未结案件"
    choose_note_month(page, "2026-05")
    save_note(page, written)
    text = _hover_note(page, written)
    shot(page, "followup_trend_note_added")
    assert written in text and "2026-05" in text, text
    ctx.close()
