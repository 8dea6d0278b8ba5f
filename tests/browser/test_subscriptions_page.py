"""订阅与提醒 in a browser: a judge subscribes to their weekly due list (the kinds a judge may
have, no meeting pack), makes a calendar link and the server answers it with their cases only;
the office sees the judge's subscription and the deliveries to look at; the page in English."""
from __future__ import annotations

import re
import urllib.request

import duckdb

from tests.browser.conftest import open_as, shot, wait_ready

JUDGE = "J0101006"


def _cells(page) -> list[str]:
    """The first table's cells (the grid's accessible cells: it draws on a canvas)."""
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    return [c.strip() for c in grid.locator("[role='gridcell']").all_inner_texts()]


def test_a_judge_subscribes_and_gets_a_calendar_the_office_sees_it(server, demo_db, page, browser):
    open_as(page, f"{server}/subscriptions", user="demo_judge")
    form = page.locator("[data-testid='stForm']").first
    form.get_by_role("combobox").first.click()
    offered = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert any("每周审限到期清单" in o for o in offered) and not any("会商材料" in o for o in offered), offered
    assert form.get_by_role("textbox", name="地址").count() == 0  # a user's own go to their account's address
    form.get_by_role("button", name="添加订阅").click()
    wait_ready(page)
    assert "已为 1 位用户添加" in page.inner_text("body")
    assert "demo-judge@demo.invalid" in _cells(page)
    page.get_by_role("button", name="生成新链接").click()
    wait_ready(page)
    link = page.locator("[data-testid='stCode']").first.inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendar/[\w-]{40,}\.ics", link), link
    shot(page, "subscriptions_judge")
    with urllib.request.urlopen(link) as r:
        assert r.headers["Content-Type"].startswith("text/calendar")
        ics = r.read().decode()
    listed = set(re.findall(r"\(\d{4}\)示\d+\S+?号", ics))
    con = duckdb.connect(demo_db, read_only=True)
    own = {c for (c,) in con.execute("SELECT case_no FROM cases WHERE judge_id = ?", [JUDGE]).fetchall()}
    con.close()
    assert listed and listed <= own

    office = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_as(office, f"{server}/subscriptions", user="demo_admin")
    body = office.inner_text("body")
    assert "其他用户的订阅" in body and "发送失败或待确认" in body
    assert "demo-judge@demo.invalid" in _cells(office)
    shot(office, "subscriptions_office")
    office.goto(f"{server}/subscriptions?lang=English")
    wait_ready(office)
    body = office.inner_text("body")
    assert "Other users' subscriptions" in body and "Calendar" in body
    office.context.close()
