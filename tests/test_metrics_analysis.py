"""Evaluation, 同比/环比, why-did-it-move, year-end outlook and the page API on known data."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from metrics import BY_ID, Period, Scope, compute
from metrics.api import cases_behind, indicator_table, meets_rates
from metrics.evaluation import ConfigError, EvaluationConfig, assess, change, load_config, meets_rate, rank
from metrics.explain import decompose, why_moved
from metrics.outlook import _projected, year_end_outlook
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)
from tests.test_metrics_indicators import Q1, con  # noqa: F401  (fixture)


def frame(rows):
    return pd.DataFrame(rows, columns=["unit", "numerator", "denominator"])


def test_decompose_rate_change_is_the_units_own():
    out = decompose("ratio", frame([("A", 10, 100), ("B", 10, 100)]), frame([("A", 20, 100), ("B", 10, 100)]), 100)
    a = out.set_index("unit").loc["A"]
    assert a["rate_effect"] == pytest.approx(5.0) and a["volume_effect"] == pytest.approx(0)
    assert out.set_index("unit").loc["B", "contribution"] == pytest.approx(0)
    assert out["unit"].iloc[0] == "A"  # largest mover first


def test_decompose_volume_shift_with_unchanged_rates():
    # A stays at 20%, B at 0%; A's share of cases grows from 50% to 75%: +5 points, all volume
    out = decompose("ratio", frame([("A", 10, 50), ("B", 0, 50)]), frame([("A", 15, 75), ("B", 0, 25)]), 100)
    s = out.set_index("unit")
    assert s["rate_effect"].abs().sum() == pytest.approx(0)
    assert s.loc["A", "volume_effect"] == pytest.approx((0.2 - 0.125) * 0.25 * 100)
    assert s.loc["B", "volume_effect"] == pytest.approx((0.0 - 0.125) * -0.25 * 100)
    assert s["contribution"].sum() == pytest.approx(5.0)


def test_decompose_sums_exactly_to_the_change_with_new_and_gone_units():
    rng = np.random.default_rng(7)
    d0 = rng.integers(0, 50, 12)
    d1 = rng.integers(0, 50, 12)
    d0[3], d1[5] = 0, 0  # one unit appears, one disappears
    n0 = (d0 * rng.random(12)).round()
    n1 = (d1 * rng.random(12)).round()
    before = frame([(f"u{i}", n0[i], d0[i]) for i in range(12)])
    after = frame([(f"u{i}", n1[i], d1[i]) for i in range(12)])
    out = decompose("ratio", before, after, 1)
    assert out["contribution"].sum() == pytest.approx(n1.sum() / d1.sum() - n0.sum() / d0.sum(), abs=1e-12)
    counts = decompose("count", before, after)
    assert counts["contribution"].sum() == pytest.approx(n1.sum() - n0.sum())


def test_why_moved_on_the_database_adds_up(con):  # noqa: F811
    before = Period.parse("2024Q4")
    out = why_moved(con, "closure_rate", Scope(), Q1, before, child="court")
    r0 = compute(con, before, None, Scope(), ["closure_rate"])["value"].iloc[0]
    r1 = compute(con, Q1, None, Scope(), ["closure_rate"])["value"].iloc[0]
    assert out["contribution"].sum() == pytest.approx((r1 - r0) * 100)
    assert set(out["name"]) == {"东川市城关区人民法院", "东川市中级人民法院"}
    closed = why_moved(con, "closed", Scope(court="示0101"), Q1, before, child="judge")
    assert closed["contribution"].sum() == 5 - 1  # 示0101 closed 5 in Q1 (the appeal is at 示01), 1 in 2024Q4


def test_assess_sides_and_changes():
    within = BY_ID["within_limit_rate"]  # higher is better
    assert assess(within, 0.97, (0.95, 1.0)) == ("meets", None)
    assert assess(within, 0.90, (0.95, 1.0)) == ("below", "worse")
    dur = BY_ID["avg_duration"]  # lower is better
    assert assess(dur, 100, (0, 90)) == ("above", "worse")
    clear = BY_ID["clearance_ratio"]
    assert assess(clear, 1.3, (0.95, 1.15)) == ("above", "better")
    assert assess(BY_ID["withdrawal_rate"], 0.5, (0, 0.3)) == ("above", None)
    assert assess(within, None, (0.95, 1.0)) == (None, None)
    assert change(within, 0.9652, 0.9532) == pytest.approx(1.2)  # percentage points
    assert change(BY_ID["received"], 110, 100) == pytest.approx(0.10)  # relative
    assert change(BY_ID["received"], 5, 0) is None
    assert meets_rate(["meets", "below", None, "meets"]) == pytest.approx(2 / 3)
    assert rank(dur, [30.0, 10.0, None, 10.0]) == [3, 1, None, 1]
    assert rank(within, [0.9, 0.95, 0.8]) == [2, 1, 3]


def test_config_levels_and_errors(tmp_path):
    cfg = load_config()
    assert cfg.illustrative and cfg.rankings is False
    assert cfg.range_for("closure_rate", "中级") == (0.80, 1.0)
    assert cfg.range_for("closure_rate", "基层") == (0.75, 1.0)
    assert cfg.range_for("received") is None
    bad = tmp_path / "bad.toml"
    bad.write_text("[ranges.no_such]\ndefault = [0, 1]\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(str(bad))
    bad.write_text("[ranges.closure_rate]\ndefault = [1, 0]\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(str(bad))


def test_indicator_table_changes_status_and_ranks(con):  # noqa: F811
    t = indicator_table(con, Q1, Scope())
    closed = t[t.indicator == "closed"].iloc[0]
    assert closed["mom_value"] == 1 and closed["mom_change"] == pytest.approx(5.0)  # 6 against 1 in 2024Q4
    assert closed["yoy_value"] == 0 and pd.isna(closed["yoy_change"])
    clear = t[t.indicator == "clearance_ratio"].iloc[0]
    assert (clear["status"], clear["side"]) == ("above", "better")
    assert meets_rates(t)["judged"].iloc[0] == t["status"].notna().sum()
    ranked = indicator_table(con, Q1, Scope(), "court", ["closed", "avg_duration"],
                             EvaluationConfig(rankings=True))
    assert set(ranked[ranked.indicator == "avg_duration"]["rank"]) == {1, 2}
    assert ranked[ranked.indicator == "closed"]["rank"].isna().all()  # volumes have no better side
    unranked = indicator_table(con, Q1, Scope(), "court", ["closed"], EvaluationConfig(rankings=False))
    assert unranked["rank"].isna().all()


def test_cases_behind_with_paging(con):  # noqa: F811
    page0, total = cases_behind(con, Q1, Scope(), "within_limit_rate", "denominator", page=0, page_size=4)
    assert total == 6 and len(page0) == 4
    page1, _ = cases_behind(con, Q1, Scope(), "within_limit_rate", "denominator", page=1, page_size=4)
    assert len(page1) == 2 and not set(page0["case_no"]) & set(page1["case_no"])
    rev, n = cases_behind(con, Q1, Scope(court="示0101"), "reversal_remand_rate", "numerator")
    assert n == 1 and list(rev["case_no"]) == ["(2025)示01民终1号"]
    old, n = cases_behind(con, Q1, Scope(), "over12m_pending", "numerator")
    assert list(old["case_no"]) == ["(2023)示0101民初5号"] and old["status"].iloc[0] == "pending"
    # limit 180 + 0 extension − (486 days on hand − 0 deducted)
    assert old["days_left"].iloc[0] == 180 - 486


def test_outlook_projection_and_required_pace(con):  # noqa: F811
    assert _projected(30, 20, 100, 3) == pytest.approx(150)
    assert _projected(30, 0, 0, 3) == pytest.approx(120)
    o = year_end_outlook(con, Scope(), dt.date(2025, 3, 31))
    assert o["through_month"] == 3 and o["months_left"] == 9
    assert o["received_ytd"] == 5 and o["closed_ytd"] == 6
    assert o["pending_projected"] == pytest.approx(o["carried_over"] + o["received_projected"] - o["closed_projected"])
    need = o["needs"]["clearance_ratio"]
    assert need["closings_needed"] == max(0, math.ceil(0.95 * o["received_projected"]) - 6)
    assert need["per_month"] == math.ceil(need["closings_needed"] / 9)
    mid = year_end_outlook(con, Scope(), dt.date(2025, 4, 15))  # a partial month is not counted
    assert mid["through_month"] == 3


def test_a_drill_into_a_court_attribute_lists_the_cases_it_divides(demo):  # noqa: F811
    """万人起诉率's denominator is a population: its case list is that of its lawsuits."""
    period, scope = Period.parse("2025"), Scope(court="示01", with_subordinates=True)
    by_denominator, n = cases_behind(demo, period, scope, "lawsuits_per_10k", "denominator", page_size=5)
    by_numerator, m = cases_behind(demo, period, scope, "lawsuits_per_10k", "numerator", page_size=5)
    assert n == m > 0 and list(by_denominator["case_no"]) == list(by_numerator["case_no"])
    assert set(by_denominator["case_type"]) <= {"民初", "行初"}


def test_data_overview_counts_pending_as_the_indicator_does(demo):  # noqa: F811
    from metrics.inventory import summary

    s = summary(demo)
    pending = compute(demo, Period.parse("2026Q3"), None, Scope(), ["pending"]).iloc[0]["value"]  # ends on the data date
    assert s["pending"] == pending
    assert s["pre_pending"] == demo.execute(
        "SELECT count(*) FROM cases WHERE closed_date IS NULL AND case_type = '民诉前调'").fetchone()[0] > 0


def test_furthest_from_range_weighs_each_unit_by_its_share():
    from metrics.explain import furthest_from_range

    # 审限内结案率 of three courts; the whole is 170/200 = 85%, below a lower bound of 95%
    units = pd.DataFrame({"name": ["A", "B", "C"], "numerator": [90, 60, 20], "denominator": [100, 60, 40]})
    units["value"] = units["numerator"] / units["denominator"]
    far = furthest_from_range(units, "within_limit_rate", 0.95, above=False)
    assert list(far["name"]) == ["C", "A"]  # B (100%) is inside the range; C pulls hardest
    assert far.set_index("name").loc["C", "weight"] == pytest.approx(0.2)
    # each pull is (value − bound) × share, in points; with every unit below, they add up to the gap
    assert far.set_index("name").loc["C", "pull"] == pytest.approx((0.5 - 0.95) * 0.2 * 100)
    all_below = units.assign(numerator=[90, 50, 20], value=[0.9, 50 / 60, 0.5])
    total = all_below["numerator"].sum() / all_below["denominator"].sum()
    assert furthest_from_range(all_below, "within_limit_rate", 0.95, False)["pull"].sum() == pytest.approx(
        (total - 0.95) * 100)
    counts = pd.DataFrame({"name": ["A", "B"], "value": [3.0, 9.0], "numerator": [3, 9], "denominator": [None, None]})
    over = furthest_from_range(counts, "over12m_pending", 5, above=True)
    assert list(over["name"]) == ["B", "A"] and list(over["weight"]) == [0.75, 0.25]


def test_a_year_not_yet_ended_runs_to_the_data_date(demo):  # noqa: F811
    """On 2026-09-30 the year 2026 is January–September, against January–September 2025; no stock
    is taken on a future day and 环比 does not repeat 同比."""
    running = Period.parse("2026").to_date(dt.date(2026, 9, 30))
    assert (running.end, running.describe(), running.year_ago().describe()) == (dt.date(2026, 9, 30), "2026年1—9月",
                                                                                "2025年1—9月")
    year = indicator_table(demo, running, Scope()).set_index("indicator")
    ytd = indicator_table(demo, Period.parse("2026Q3", cumulative=True), Scope()).set_index("indicator")
    for ind in ("received", "closed", "over12m_pending", "within_limit_rate"):
        assert year.loc[ind, "value"] == pytest.approx(ytd.loc[ind, "value"])
        assert year.loc[ind, "yoy_value"] == pytest.approx(ytd.loc[ind, "yoy_value"])
    assert year["mom_value"].isna().all()
    assert Period.parse("2025").to_date(dt.date(2026, 9, 30)) == Period.parse("2025")  # an ended year is whole
    # a data date inside a month: up to the last whole month (the figures are kept by month)
    mid = Period.parse("2026").to_date(dt.date(2026, 9, 15))
    assert (mid.end, mid.describe(), mid.year_ago().end) == (dt.date(2026, 8, 31), "2026年1—8月", dt.date(2025, 8, 31))
    assert Period.parse("2026-09").to_date(dt.date(2026, 9, 15)) == Period.parse("2026-09")  # no whole month
