"""Every indicator on tiny hand-made data whose answers are worked out by hand below."""
from __future__ import annotations

import csv
import datetime as dt
import math

import duckdb
import pytest

from data.ingest import ingest
from metrics import Period, Scope, compute
from metrics.engine import UnknownScope, check_scope

COURTS = [
    ("示", "示范省高级人民法院", "高级", "", ""),
    ("示01", "东川市中级人民法院", "中级", "示", ""),
    ("示0101", "东川市城关区人民法院", "基层", "示01", "100000"),
    ("示0102", "东川市河口区人民法院", "基层", "示01", ""),
]
FIELDS = ["case_no", "division", "judge_id", "judge_name", "procedure", "filed_date", "closed_date",
          "closing_method", "deducted_days", "origin_case_no", "hearing", "appeal_received_date",
          "appeal_transferred_date", "amount_applied", "amount_recovered", "has_assets"]
CASES = [
    # 1: carried over, closed in Q1 by judgment after 223 days (over the 180-day limit), appealed
    ("(2024)示0101民初1号", "民一庭", "A", "甲", "普通程序", "2024-06-01", "2025-01-10", "判决", "", "", "", "", "", "", "", ""),
    # 2: mediated in 30 days, later enforced
    ("(2025)示0101民初1号", "民一庭", "A", "甲", "简易程序", "2025-01-05", "2025-02-04", "调解", "", "", "", "", "", "", "", ""),
    # 3: received, pending
    ("(2025)示0101民初2号", "民一庭", "C", "丙", "简易程序", "2025-02-01", "", "", "", "", "", "", "", "", "", ""),
    # 4a: pending 486 days at 2025-03-31 (over 12 months); 4b: the same less 150 deducted days (not over)
    ("(2023)示0101民初5号", "民一庭", "C", "丙", "普通程序", "2023-12-01", "", "", "", "", "", "", "", "", "", ""),
    ("(2023)示0101民初6号", "民一庭", "C", "丙", "普通程序", "2023-12-01", "", "", "150", "", "", "", "", "", "", ""),
    # 5: withdrawn after 50 days
    ("(2025)示0101民初3号", "民一庭", "C", "丙", "简易程序", "2025-01-10", "2025-03-01", "撤诉", "", "", "", "", "", "", "", ""),
    # 6: the appeal of case 1, reversed after a hearing (attributed to 示0101 / 民一庭 / A)
    ("(2025)示01民终1号", "民一庭", "B", "乙", "第二审程序", "2025-01-20", "2025-03-10", "改判", "", "(2024)示0101民初1号", "是", "", "", "", "", ""),
    # 7: enforcement of case 2, with assets, completed in 38 days
    ("(2025)示0101执1号", "执行局", "D", "丁", "执行程序", "2025-02-10", "2025-03-20", "执行完毕", "", "(2025)示0101民初1号", "", "", "", "1000", "1000", "是"),
    # 8: enforcement ended for lack of assets (终本)
    ("(2024)示0101执2号", "执行局", "D", "丁", "执行程序", "2024-10-01", "2025-03-15", "终本", "", "", "", "", "", "5000", "500", "否"),
    # 9: pre-filing mediation, one success in 20 days, one failure in 30 days
    ("(2025)示0101民诉前调1号", "诉讼服务中心", "E", "戊", "诉前调解", "2025-01-02", "2025-01-22", "调解成功", "", "", "", "", "", "", "", ""),
    ("(2025)示0101民诉前调2号", "诉讼服务中心", "E", "戊", "诉前调解", "2025-01-05", "2025-02-04", "调解不成", "", "", "", "", "", "", "", ""),
    # 10: closed in 2024, its appeal transferred in Q1 10 days after it was received
    ("(2024)示0101民初9号", "民二庭", "F", "己", "简易程序", "2024-11-01", "2024-12-20", "判决", "", "", "", "2025-01-05", "2025-01-15", "", "", ""),
]
Q1 = Period.parse("2025Q1")


def days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    with open(d / "courts.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["court_code", "court_name", "level", "parent_code", "population"])
        w.writerows(COURTS)
    with open(d / "cases.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        w.writerows(CASES)
    r = ingest(str(d / "cases.csv"), str(d / "courts.csv"), str(d / "t.duckdb"), str(d / "rejects.csv"))
    assert r.rejected == 0 and r.accepted == len(CASES)
    c = duckdb.connect(str(d / "t.duckdb"), read_only=True)
    yield c
    c.close()


def values(con, period=Q1, by=None, scope=Scope(), key=None):
    df = compute(con, period, by, scope)
    if key:
        df = df[df[key[0]] == key[1]]
    return {r["indicator"]: (r["numerator"], r["denominator"], r["value"]) for r in df.to_dict("records")}


def val(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def test_volume_and_efficiency(con):
    v = values(con)
    assert [v[i][2] for i in ("received", "carried_over", "closed", "pending")] == [5, 4, 6, 3]
    assert v["clearance_ratio"][2] == pytest.approx(6 / 5)
    assert v["closure_rate"][2] == pytest.approx(6 / 9)
    assert v["within_limit_rate"][:2] == (5, 6)  # only case 1 (223 days > 180) is over its limit
    durations = [days("2024-06-01", "2025-01-10"), 30, 50, 49, 38, days("2024-10-01", "2025-03-15")]
    assert v["avg_duration"][:2] == (sum(durations), 6)
    assert v["over12m_pending"][2] == 1
    assert v["over12m_share"][2] == pytest.approx(1 / 3)
    # monthly closings 1, 1, 4: mean 2, population sd sqrt(2)
    assert v["closing_balance"][2] == pytest.approx(1 - math.sqrt(2) / 2)
    assert v["closed_per_judge"][:2] == (6, 4)  # judges A, C, D at 示0101 and B at 示01
    assert v["appeal_transfer_days"][:2] == (10, 1)


def test_quality_effect_enforcement_source(con):
    v = values(con)
    assert v["reversal_remand_rate"][:2] == (1, 3)
    assert val(v["appeal_reverse_remand_ratio"][2]) is None  # 1 reversed, 0 remanded: no value
    assert v["appeal_hearing_rate"][:2] == (1, 1)
    assert v["mediation_rate"][:2] == (1, 3)
    assert v["withdrawal_rate"][:2] == (1, 3)
    assert v["appeal_rate"][:2] == (1, 1)
    assert v["acceptance_rate"][:2] == (2, 3)  # enforcement is not a review
    assert v["case_proceeding_ratio"][:2] == (5, 3)
    assert v["enforcement_application_rate"][:2] == (1, 2)
    assert v["exec_completion_rate"][:2] == (1, 2)
    assert v["exec_recovery_rate"][2] == pytest.approx(1500 / 6000)
    assert v["first_exec_termination_rate"][:2] == (1, 2)
    assert v["exec_on_time_with_assets_rate"][:2] == (1, 1)
    assert v["premediation_success_rate"][:2] == (1, 2)
    assert v["premediation_avg_days"][:2] == (50, 2)
    assert v["premediation_diversion_rate"][:2] == (1, 5)
    assert v["lawsuits_per_10k"][:2] == (3, 100000)
    assert v["lawsuits_per_10k"][2] == pytest.approx(0.3)


def test_attribution_to_origin_by_court_and_judge(con):
    basic = values(con, by="court", key=("court_code", "示0101"))
    assert basic["reversal_remand_rate"][:2] == (1, 3)
    inter = values(con, by="court", key=("court_code", "示01"))
    assert inter["reversal_remand_rate"][:2] == (0, 0) and val(inter["reversal_remand_rate"][2]) is None
    assert inter["appeal_hearing_rate"][:2] == (1, 1)
    assert val(inter["lawsuits_per_10k"][2]) is None  # no population
    judge_a = values(con, by="judge", scope=Scope(court="示0101"), key=("judge_id", "A"))
    assert judge_a["reversal_remand_rate"][:2] == (1, 2)
    assert val(judge_a["lawsuits_per_10k"][0]) is None and val(judge_a["lawsuits_per_10k"][2]) is None
    # the appeal court's own judge gets no reversal numerator
    judge_b = values(con, by="judge", scope=Scope(court="示01"), key=("judge_id", "B"))
    assert judge_b["reversal_remand_rate"][0] == 0


def test_groups_listed_only_with_cases(con):
    courts = set(compute(con, Q1, "court", Scope())["court_code"])
    assert courts == {"示0101", "示01"}  # 示 and 示0102 have no cases


def test_category_filter_applies_everywhere(con):
    v = values(con, scope=Scope(category="刑事"))
    assert v["received"][2] == 0
    assert val(v["premediation_success_rate"][2]) is None
    assert v["lawsuits_per_10k"][:2] == (0, 100000) and v["lawsuits_per_10k"][2] == 0


def test_by_month_and_cumulative(con):
    df = compute(con, Q1, "month", Scope(), ["closed", "closing_balance"])
    closed = df[df.indicator == "closed"].set_index("label")["value"].to_dict()
    assert closed == {"2025-01": 1, "2025-02": 1, "2025-03": 4}
    assert df[df.indicator == "closing_balance"]["value"].isna().all()  # one month: no value
    cum = values(con, Period.parse("2025-03", cumulative=True))
    assert cum["closed"][2] == 6 and cum["received"][2] == 5


def test_with_subordinates_and_unknown_scope(con):
    v = values(con, scope=Scope(court="示01", with_subordinates=True))
    assert v["received"][2] == 5
    only = values(con, scope=Scope(court="示01"))
    assert only["received"][2] == 1 and only["carried_over"][2] == 0
    with pytest.raises(UnknownScope):
        check_scope(con, Scope(court="示99"))
    with pytest.raises(UnknownScope):
        check_scope(con, Scope(category="民商"))


def test_process_warnings_on_hand_made_cases(con):
    from metrics.warnings import warning_counts, warning_list

    day = dt.date(2025, 3, 31)
    past = warning_list(con, Scope(), day, "past_limit")
    # 3 (简易 90 days, filed 2025-02-01: 58 days, 32 left) is not past; 4a (486 days) and 4b (336 net) are
    assert list(past["case_no"]) == ["(2023)示0101民初5号", "(2023)示0101民初6号"]
    assert list(past["days_left"]) == [180 - 486, 180 - (486 - 150)]
    near = warning_list(con, Scope(), day, "near_30")
    assert list(near["case_no"]) == []  # case 3 has 32 days left
    assert list(warning_list(con, Scope(), dt.date(2025, 4, 2), "near_30")["case_no"]) == ["(2025)示0101民初2号"]
    assert list(warning_list(con, Scope(), day, "over_12m")["case_no"]) == ["(2023)示0101民初5号"]
    # case 10's appeal was received 2025-01-05 and transferred 2025-01-15
    waiting = warning_list(con, Scope(), dt.date(2025, 1, 12), "appeal_untransferred", transfer_days=5)
    assert list(waiting["case_no"]) == ["(2024)示0101民初9号"] and waiting["appeal_waiting"].iloc[0] == 7
    assert warning_list(con, Scope(), day, "appeal_untransferred").empty
    counts = warning_counts(con, Scope(), day, "judge").set_index("judge_id")
    assert counts.loc["C", "past_limit"] == 2 and counts.loc["C", "over_12m"] == 1
    assert counts["past_limit"].sum() == 2
