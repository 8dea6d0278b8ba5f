"""综合评估 and 评价设置 in a real browser: the composite under each role that may open it, the
settings page refusing a bad value without writing anything, and a saved change reaching the
assessment and the audit log."""
from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest

from tests.browser.conftest import open_as, shot, wait_ready


def _no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


@pytest.mark.parametrize("user,levels", [("demo_admin", 4), ("demo_leader", 4), ("demo_head", 2), ("demo_judge", 1)])
def test_assessment_under_each_role(server, page, user, levels):
    open_as(page, f"{server}/assessment", user=user)
    assert page.get_by_role("heading", name="综合评估").first.is_visible()
    page.get_by_text("平均综合得分").first.wait_for()
    assert page.get_by_text("失分在哪里").first.is_visible()
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 2  # the composites, their distribution …
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    main = page.locator("[data-testid='stMain']")
    assert main.get_by_role("link", name="评价设置").count() == (1 if user == "demo_admin" else 0)
    _no_error(page)
    shot(page, f"assessment_{user}")


def test_assessment_of_every_judge_of_the_province(server, page):
    open_as(page, f"{server}/assessment?level=judge", user="demo_admin")
    page.get_by_text("平均综合得分").first.wait_for()
    scored = page.locator("[data-testid='stMetric']").first.inner_text()
    assert int(scored.split("\n")[-1].split("/")[1]) > 100  # every judge of the district, not one division's
    _no_error(page)


def test_settings_are_refused_to_other_roles(server, page):
    open_as(page, f"{server}/evaluation", user="demo_leader")
    assert page.get_by_role("heading", name="评价设置").count() == 0
    assert page.get_by_role("button", name="保存设置").count() == 0


def _digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _edit(page, row: int, right: int, value: str) -> None:
    """Type `value` into the data editor's cell `right` columns right of row `row`'s indicator."""
    grid = page.locator("[data-testid='stDataFrameResizable']").first
    grid.wait_for()
    grid.evaluate("e => e.scrollIntoView({block: 'start'})")  # its top row at the top of the window
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 * (row + 1) + 17)
    page.wait_for_timeout(300)
    for _ in range(right):
        page.keyboard.press("ArrowRight")
    page.keyboard.type(value)
    page.wait_for_timeout(300)  # the cell editor opens on the first key
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)


def test_settings_refuse_a_bad_value_and_save_a_good_one(server, demo_db, page):
    evaluation = os.path.join(os.path.dirname(demo_db), "evaluation.toml")
    state = os.path.join(os.path.dirname(demo_db), "state.sqlite")
    before, original = _digest(evaluation), open(evaluation, encoding="utf-8").read()
    try:
        _refuse_then_save(server, page, evaluation, state, before)
    finally:  # the other browser tests read the shipped settings
        with open(evaluation, "w", encoding="utf-8") as f:
            f.write(original)


def _refuse_then_save(server, page, evaluation: str, state: str, before: str) -> None:
    open_as(page, f"{server}/evaluation", user="demo_admin")
    assert page.get_by_text("示例值").first.is_visible()  # illustrative until someone saves their own
    within = 6  # 审限内结案率's row (catalogue order)
    _edit(page, within, 2, "2")  # default low 2 above the high 1
    page.get_by_role("button", name="保存设置").click()
    wait_ready(page)
    assert page.get_by_text("设置未保存，评价配置文件没有改动").first.is_visible()
    assert page.get_by_text("审限内结案率：默认区间下限 2.0 大于上限 1.0").first.is_visible()
    shot(page, "settings_refused")
    assert _digest(evaluation) == before

    _edit(page, within, 2, "0.9")  # a valid low, and a new weight
    _edit(page, within, 1, "20")
    page.get_by_role("button", name="保存设置").click()
    wait_ready(page)
    assert page.get_by_text("已保存").first.is_visible()
    text = open(evaluation, encoding="utf-8").read()
    assert "within_limit_rate = 20.0" in text and "default = [0.9, 1.0]" in text and "illustrative = false" in text
    with sqlite3.connect(state) as con:
        detail = con.execute("SELECT detail FROM audit WHERE event = 'evaluation_settings' ORDER BY id DESC").fetchone()
    assert detail and "within_limit_rate" in detail[0]
    page.goto(f"{server}/assessment")
    wait_ready(page)
    page.get_by_text("平均综合得分").first.wait_for()
    assert page.get_by_text("示例值").count() == 0  # no longer illustrative
    _no_error(page)
