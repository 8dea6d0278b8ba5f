"""The 整改台账 table as the page shows and exports it: target, unit and status words, in both languages."""
from __future__ import annotations

import datetime as dt

from followup.actions import Standing
from followup.model import RANGE, Item, Progress, Unit
from present.followup_table import STATUS_COLORS, ledger, status_style, target_text, unit_text

COURTS = {"示0101": "湖滨区法院"}
JUDGES = {("示0101", "J1"): "于航怡"}


def _item(unit: Unit, target: str, progress=()) -> Item:
    return Item(7, 1, "三季度会商", "closure_rate", unit, target, dt.date(2026, 12, 31), "民一庭", "", 0.8,
                dt.date(2026, 9, 30), "office", "2026-10-01T09:00:00", progress=tuple(progress))


def test_target_is_the_range_or_the_value_formatted_as_the_indicator():
    assert target_text("closure_rate", RANGE) == "进入合理区间"
    assert target_text("closure_rate", RANGE, "en") == "Into the range"
    assert target_text("closure_rate", "0.9") == "90.00%"


def test_unit_names_court_district_division_and_judge():
    assert unit_text(Unit("示0101"), COURTS, JUDGES) == "湖滨区法院"
    assert unit_text(Unit("示0101", True), COURTS, JUDGES) == "湖滨区法院辖区"
    assert unit_text(Unit("示0101", division="民一庭"), COURTS, JUDGES) == "湖滨区法院 民一庭"
    assert unit_text(Unit("示0101", judge_id="J1"), COURTS, JUDGES) == "湖滨区法院 于航怡"
    assert unit_text(Unit("示0102", judge_id="J9"), COURTS, JUDGES) == "示0102 J9"


def test_ledger_rows_in_either_language_with_the_latest_progress():
    s = Standing(_item(Unit("示0101", division="民一庭"), "0.9", [Progress("t1", "head", "一"), Progress("t2", "head", "二")]),
                 0.85, "at_risk", (0.8, 1.0))
    zh, en = ledger([s], COURTS, JUDGES), ledger([s], COURTS, JUDGES, "en")
    assert list(zh.iloc[0]) == [7, "有风险", "结案率", "湖滨区法院 民一庭", "85.00%", "90.00%", "2026-12-31", "民一庭",
                                "80.00%", "三季度会商", "二"]
    assert list(en.columns)[:3] == ["No.", "Status", "Indicator"] and en.iloc[0]["Status"] == "At risk"
    assert en.iloc[0]["Indicator"][0].isupper()


def test_every_status_has_its_own_colour():
    style = status_style()
    assert len(set(STATUS_COLORS.values())) == len(STATUS_COLORS) == 5
    assert STATUS_COLORS["overdue"] in style("已逾期") and style("其他") == ""
