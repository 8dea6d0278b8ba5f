"""整改台账 in a browser, as the office, a division head and a judge use it: an item set in one
click from the overview's shortfalls, seen on the 台账 with its status and closed; progress added
by the head of the owning division; a judge's item read-only (and refused if forced); English."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from tests.browser.conftest import ROOT, open_as, shot, wait_ready

HUBIN, DIVISION, JUDGE = "示0101", "民一庭", "J0101006"  # the demo head's court and division, the demo judge


def _cli(demo_db: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SPZX_STATE=os.path.join(os.path.dirname(demo_db), "state.sqlite"))
    env.pop("SPZX_STATE_URL", None)
    return subprocess.run([sys.executable, "-m", "report", "actions", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True)


def _add(demo_db: str, *unit: str, indicator: str = "closure_rate") -> int:
    due = dt.date(dt.date.today().year + 1, 3, 31).isoformat()
    out = _cli(demo_db, "add", "--db", demo_db, "--meeting", "浏览器测试会商", "--indicator", indicator, *unit,
               "--target", "0.99", "--due", due, "--note", "测试事项")
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip())


def _pick(page, item_id: int) -> None:
    """Choose item `item_id` in the page's item chooser: typed, as its label starts with its number."""
    box = page.locator(".st-key-fu_pick").get_by_role("combobox")
    box.click()
    page.keyboard.type(f"#{item_id} ")
    page.get_by_role("option", name=f"#{item_id} ").first.click()
    wait_ready(page)
    assert f"#{item_id} " in page.locator(".st-key-fu_item").inner_text()


def _status(page) -> str:
    return page.locator(".st-key-fu_item").inner_text()


def test_office_sets_an_item_from_the_overview_and_closes_it(server, page):
    open_as(page, server + "/")
    buttons = page.locator(".st-key-fu_short_overview").get_by_role("button")
    assert buttons.count() >= 1, "the overview lists no shortfall to set an item from"
    name = buttons.first.inner_text().split("：", 1)[1].strip()
    buttons.first.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    shot(page, "actions_form_prefilled")
    chosen = dialog.locator("[data-testid='stSelectbox']").first.evaluate(
        "e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")
    assert name in chosen  # the indicator is the shortfall's
    dialog.get_by_role("button", name="保存").click()
    dialog.wait_for(state="detached")
    wait_ready(page)
    # the same shortfall again: the form says an open item is already set on it
    page.locator(".st-key-fu_short_overview").get_by_role("button").first.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    dialog.get_by_text("已有未销号的整改事项").wait_for()
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")

    page.goto(server + "/actions")
    wait_ready(page)
    shot(page, "actions_office")
    table = page.locator(".st-key-fu_table, [data-testid='stDataFrame']").first
    table.wait_for()
    item = page.locator(".st-key-fu_item")
    assert name in item.inner_text()
    status_words = ("已达标", "进度正常", "有风险", "已逾期")
    assert any(w in item.inner_text() for w in status_words), item.inner_text()
    item.get_by_role("textbox", name="销号说明（必填）").fill("已整改到位")
    item.get_by_role("button", name="销号").click()
    wait_ready(page)
    assert "已销号" in page.locator("[data-testid='stAlert']").first.inner_text()
    assert "已销号" in _status(page) and "已整改到位" in _status(page)
    assert page.locator(".st-key-fu_item").get_by_role("button", name="销号").count() == 0
    shot(page, "actions_closed")


def test_empty_closing_note_is_refused(server, demo_db, page):
    item_id = _add(demo_db, "--court", HUBIN)
    open_as(page, f"{server}/actions?court={HUBIN}")
    _pick(page, item_id)
    page.locator(".st-key-fu_item").get_by_role("button", name="销号").click()
    wait_ready(page)
    assert "销号说明" in page.locator(".st-key-fu_item [data-testid='stAlert']").inner_text()
    assert "已销号" not in _status(page)


def test_division_head_adds_progress_to_their_item(server, demo_db, page):
    item_id = _add(demo_db, "--court", HUBIN, "--division", DIVISION)
    open_as(page, server + "/actions", user="demo_head")
    _pick(page, item_id)
    item = page.locator(".st-key-fu_item")
    assert item.get_by_role("button", name="销号").count() == 0  # a head reports, does not close
    item.get_by_role("textbox", name="进展情况").fill("已清理长期未结案件12件")
    item.get_by_role("button", name="填报进展").click()
    wait_ready(page)
    assert "已清理长期未结案件12件" in _status(page)
    # each line says who wrote it by the name on their account, not the sign-in name
    line = item.get_by_text("已清理长期未结案件12件").first.inner_text()
    assert "演示：湖滨区法院民一庭庭长" in line and "demo_head" not in line
    shot(page, "actions_head_progress")


def test_judge_reads_their_item_only(server, demo_db, page):
    item_id = _add(demo_db, "--judge", JUDGE, "--court", HUBIN)
    other = _add(demo_db, "--court", HUBIN, "--division", "民二庭")  # a figure the judge is no part of
    open_as(page, server + "/actions", user="demo_judge")
    _pick(page, item_id)
    item = page.locator(".st-key-fu_item")
    assert "于航怡" in item.inner_text()
    assert item.get_by_role("button", name="销号").count() == 0
    assert item.get_by_role("button", name="填报进展").count() == 0
    assert "只读" in item.inner_text()
    page.locator(".st-key-fu_pick").get_by_role("combobox").click()
    assert page.get_by_role("option", name=f"#{other} ").count() == 0
    page.keyboard.press("Escape")
    shot(page, "actions_judge")
    # forced past the page: the query layer refuses the judge, nothing is written
    code = ("import sys; from security.users import load_users; "
            "from followup import actions, store; from metrics.access import AccessDenied\n"
            "import duckdb; con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "a = load_users().users['demo_judge'].access\n"
            "for call in (lambda: actions.add_progress(con, int(sys.argv[2]), 'x', 'demo_judge', a),\n"
            "             lambda: actions.close_item(con, int(sys.argv[2]), 'x', 'demo_judge', a)):\n"
            "    try: call(); print('WROTE')\n"
            "    except AccessDenied: print('refused')\n"
            "print(len(store.item(int(sys.argv[2])).progress), store.item(int(sys.argv[2])).closed_at)\n")
    env = dict(os.environ, SPZX_STATE=os.path.join(os.path.dirname(demo_db), "state.sqlite"))
    env.pop("SPZX_STATE_URL", None)
    out = subprocess.run([sys.executable, "-c", code, demo_db, str(item_id)], cwd=ROOT, env=env, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["refused", "refused", "0", "None"]


def test_an_item_opens_its_cases_and_its_units_figures(server, demo_db, page):
    item_id = _add(demo_db, "--court", HUBIN, "--division", DIVISION)
    open_as(page, f"{server}/actions?court={HUBIN}")
    _pick(page, item_id)
    item = page.locator(".st-key-fu_item")
    item.get_by_text("查看数据背后的案件").click()
    wait_ready(page)
    assert "背后的案件" in item.inner_text() and "共 " in item.inner_text()  # the case list's count
    shot(page, "actions_cases")
    item.get_by_role("button", name="查看该对象的数据").click()
    page.wait_for_url("**/profile**")
    wait_ready(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "民一庭" in main and "画像" in main
    shot(page, "actions_to_profile")


def test_english_labels(server, demo_db, page):
    _add(demo_db, "--court", HUBIN)
    open_as(page, f"{server}/actions?court={HUBIN}&lang=English")
    text = page.locator("[data-testid='stMain']").inner_text()
    for word in ("Action items", "Meeting", "Owner", "Status", "Close", "Report progress", "Choose an item"):
        assert word in text, word
    assert any(w in text for w in ("Met", "On track", "At risk", "Overdue")), text
    for word in ("整改台账", "销号", "进度正常", "有风险"):
        assert word not in text, word
    shot(page, "actions_english")
