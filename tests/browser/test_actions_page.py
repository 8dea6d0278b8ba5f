"""整改台账 as its users meet it: the office sets an item by hand (a refused one says why and
writes nothing), sees every item of its scope with the status the data gives, and closes one; a
division head adds progress to the item their division owns and is refused on one it does not;
a judge reads the items about their figures and changes nothing; the page in English."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT, open_as, shot, start_server, stop_server, wait_ready

COURT = "%E7%A4%BA01"  # 示01 with its district


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server of its own, whose state holds two items of 湖滨区法院 (示0101) and one of 示02."""
    folder = tmp_path_factory.mktemp("actions_page")
    db = str(folder / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "20000", "--quiet"],
                   cwd=ROOT, check=True)
    setup = """
import datetime as dt, sys
from followup import actions
from followup.model import Unit
from metrics.db import connect
con = connect(sys.argv[1])
kw = dict(meeting="2026年上半年数据会商", target="range", due=dt.date(2026, 12, 31), by="审管办")
print(actions.add_item(con, indicator="within_limit_rate", unit=Unit("示0101", False, "民一庭"), **kw))
print(actions.add_item(con, indicator="closure_rate", unit=Unit("示0101"), owner="刑事审判庭", **kw))
print(actions.add_item(con, indicator="closure_rate", unit=Unit("示02"), **kw))
print(actions.add_item(con, indicator="within_limit_rate", unit=Unit("示0101"), owner="刑事审判庭", **kw))
"""
    env = {**os.environ, "SPZX_STATE": str(folder / "state.sqlite"), "PYTHONPATH": ROOT}
    env.pop("SPZX_STATE_URL", None)
    out = subprocess.run([sys.executable, "-c", setup, db], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    url, proc = start_server(db, "actions_page.log")
    yield url
    stop_server(proc)


def _rows(page) -> int:
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=60000)
    return int(grid.get_attribute("aria-rowcount") or 0) - 1 if grid.get_attribute("aria-rowcount") else -1


def _choose_item(page, label_start: str) -> None:
    box = page.locator(".st-key-act_chosen input")
    box.click()
    box.fill(label_start.strip())
    page.keyboard.press("Enter")
    wait_ready(page, 60000)


def test_the_office_sets_sees_and_closes_items(own_server, page):
    open_as(page, f"{own_server}/actions?court={COURT}")
    page.get_by_role("heading", name="整改台账").first.wait_for(timeout=60000)
    page.get_by_text("共3项").first.wait_for(timeout=60000)  # 示02's item is outside 示01's district
    shot(page, "actions_office")

    page.get_by_role("button", name="新建整改事项").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("指标").first.wait_for(timeout=30000)
    dialog.get_by_role("button", name="设定").click()  # 新收 has no range: a target value is needed
    dialog.locator("[data-testid='stAlertContentError']").filter(has_text="没有合理区间").wait_for(timeout=60000)
    dialog.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="审限内结案率", exact=True).click()
    dialog.get_by_role("button", name="设定").click()
    page.get_by_text("已设定整改事项 #5").first.wait_for(timeout=60000)
    page.get_by_text("共4项").first.wait_for(timeout=60000)

    _choose_item(page, "#2 ")
    page.get_by_label("销号说明").fill("已专项整改，结案率回升")
    page.get_by_role("button", name="销号").click()
    page.get_by_text("已保存。").first.wait_for(timeout=60000)
    page.get_by_text("已销号 1").first.wait_for(timeout=60000)
    shot(page, "actions_closed")
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_division_head_reports_progress_on_their_item_only(own_server, page):
    open_as(page, f"{own_server}/actions", user="demo_head")
    page.get_by_role("heading", name="整改台账").first.wait_for(timeout=60000)
    _choose_item(page, "#1 ")  # 民一庭's own item
    page.get_by_label("进展情况").fill("已排期集中清理超审限案件")
    page.get_by_role("button", name="填写进展").click()
    page.get_by_text("已保存。").first.wait_for(timeout=60000)
    page.get_by_text("已排期集中清理超审限案件").first.wait_for(timeout=60000)
    assert page.get_by_role("button", name="销号").count() == 0  # a head does not close items
    _choose_item(page, "#4 ")  # the court's item, owned by another division: refused by the server
    page.get_by_label("进展情况").fill("试图填写")
    page.get_by_role("button", name="填写进展").click()
    page.locator("[data-testid='stAlertContentError']").filter(has_text="只能为本部门负责的事项填写进展").wait_for(timeout=60000)
    assert page.get_by_text("尚无进展记录。").count() == 1  # nothing was written
    shot(page, "actions_head")


def test_a_judge_reads_items_and_changes_nothing(own_server, page):
    open_as(page, f"{own_server}/actions", user="demo_judge")
    page.get_by_role("heading", name="整改台账").first.wait_for(timeout=60000)
    page.get_by_text("您可以查看本事项，不能修改。").first.wait_for(timeout=60000)
    assert page.get_by_role("button", name="新建整改事项").count() == 0
    assert page.get_by_role("button", name="填写进展").count() == 0 and page.get_by_role("button", name="销号").count() == 0
    assert page.get_by_text("示02").count() == 0
    shot(page, "actions_judge")


def test_the_page_in_english(own_server, page):
    open_as(page, f"{own_server}/actions?court={COURT}&lang=English")
    page.get_by_role("heading", name="Action items").first.wait_for(timeout=60000)
    page.get_by_role("button", name="New action item").wait_for(timeout=60000)
    assert page.get_by_text("Owner").count() >= 1
    shot(page, "actions_english")
