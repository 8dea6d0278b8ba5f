"""Drill-downs of spec v3 on worked-example-v3: a visit indicator lists its visits (as many in its
numerator and denominator as the figure counts), 申诉申请再审率 its petitions with the decisions
they attack, and a judge's list holds only the visits naming their own cases."""
from __future__ import annotations

import csv
import shutil

import duckdb
import pytest

from data.__main__ import main as cli_main
from metrics import Period, Scope, compute
from metrics.access import Access, AccessDenied
from metrics.catalogue import BY_ID, View, in_view
from metrics.drill import Rule, rule
from metrics.visit_drill import records_behind, repeat_petitioners, visit_cases
from tests.test_teams_metrics import V3, v3_db  # noqa: F401  (fixture)

VISIT_IDS = in_view(View.SOURCE_VISITS)
YEAR = Period.parse("2025")


@pytest.fixture(scope="module")
def visits_db(v3_db, tmp_path_factory):  # noqa: F811
    """The worked example with its visits list imported as the README says."""
    db = tmp_path_factory.mktemp("visit_drill") / "db.duckdb"
    shutil.copy(v3_db, db)
    assert cli_main(["visits", str(V3 / "visits.csv"), "--db", str(db), "--rejects", str(db) + ".vr.csv"]) == 0
    return db


@pytest.fixture(scope="module")
def con(visits_db):
    c = duckdb.connect(str(visits_db), read_only=True)
    yield c
    c.close()


SCOPES = [Scope(), Scope(court="示01", with_subordinates=True), Scope(court="示0202"),
          Scope(category="执行"), Scope(court="示0102", division="民一庭")]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: f"{s.court}-{s.category}-{s.division}")
@pytest.mark.parametrize("ind", VISIT_IDS)
def test_a_visit_list_holds_the_visits_the_figure_counts(con, ind, scope):
    figure = compute(con, YEAR, None, scope, [ind]).iloc[0]
    listed = visit_cases(con, YEAR, scope, ind, page_size=None)
    rows = listed.rows
    in_num = rows[rows["in_numerator"]] if "in_numerator" in rows.columns else rows
    if BY_ID[ind].kind.value == "mean":  # the numerator sums the listed visits' days
        assert in_num["days"].sum() == figure["numerator"]
    else:
        assert len(in_num) == figure["numerator"]
    d = BY_ID[ind].denominator
    if d is not None and d.startswith("visits_"):  # a visit denominator is listed too; cases closed are not
        assert rows["in_denominator"].sum() == figure["denominator"]
        assert listed.total == len(rows) == int((rows["in_numerator"] | rows["in_denominator"]).sum())
    assert rows["visit_no"].is_unique


def test_the_year_figures_of_q13(con):
    """The province's 2025 lists against expected/q13.csv's 示 row … summed: 16 received, 2 repeats, 4 pending."""
    count = {i: visit_cases(con, YEAR, Scope(), i, page_size=None) for i in VISIT_IDS}
    assert count["visits_received"].total == 16
    assert count["repeat_visit_rate"].deciding == 2
    assert count["visits_overdue"].total == 4
    assert rule(BY_ID["visits_resolution_rate"]) is Rule.NOT_IN_NUMERATOR
    assert rule(BY_ID["visits_avg_days"]) is Rule.ABOVE_MEAN
    closed = count["visits_resolution_rate"].rows
    assert count["visits_resolution_rate"].deciding == int((closed["in_denominator"] & ~closed["in_numerator"]).sum())


def test_a_listed_visit_shows_its_case_petitioner_and_outcome(con):
    rows = visit_cases(con, YEAR, Scope(court="示01", with_subordinates=True), "visits_received",
                       page_size=None).rows.set_index("visit_no")
    with open(V3 / "visits.csv", encoding="utf-8") as f:
        source = {r["visit_no"]: r for r in csv.DictReader(f) if r.get("visit_no")}
    # README: XF2025010002 names (2025)示0102民初10号 and counts for 示0102; XF2025010004 names none, for 示01
    assert rows.loc["XF2025010002", "case_no"] == "(2025)示0102民初10号"
    assert rows.loc["XF2025010002", "court_code"] == "示0102"
    assert rows.loc["XF2025010004", "court_code"] == "示01" and bool(rows.loc["XF2025010004", "repeat"])
    for no, r in rows.iterrows():
        assert r["petitioner_id"] == source[no]["petitioner_id"]  # the form is stored as its code (电话 → 12368热线)
    for column in ("visit_no", "received_date", "form", "case_no", "court_name", "petitioner_id", "outcome",
                   "closed_date"):
        assert column in rows.reset_index().columns


def test_petitions_list_the_decisions_they_attack(con):
    figure = compute(con, YEAR, None, Scope(), ["retrial_application_rate"]).iloc[0]
    rows = records_behind(con, YEAR, Scope(), "retrial_application_rate", page_size=None).rows
    petitions = rows[rows["in_numerator"]]
    assert len(petitions) == figure["numerator"] == 12
    assert rows["in_denominator"].sum() == figure["denominator"]
    origin = dict(con.execute("SELECT case_no, origin_case_no FROM cases").fetchall())
    assert all(origin[p] == o and o for p, o in zip(petitions["case_no"], petitions["origin_case_no"]))
    assert "origin_case_no" not in records_behind(con, YEAR, Scope(), "within_limit_rate", page_size=5).rows.columns


def test_a_judge_sees_the_visits_naming_their_own_cases_only(con):
    named = con.execute("""SELECT c.judge_id, c.court_code::VARCHAR, c.division, count(*) FROM visits v
                           JOIN cases c ON c.case_no = v.case_no
                           WHERE v.received_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
                           GROUP BY ALL ORDER BY 4 DESC, 1""").fetchall()
    judge_id, court, division, n = named[0]
    judge = Access("judge", court=court, division=division, judge_id=judge_id)
    own = judge.check_cases(con, Scope(court=court, division=division, judge_id=judge_id))
    rows = records_behind(con, YEAR, own, "visits_received", page_size=None).rows
    assert len(rows) == n and set(rows["judge_id"]) == {judge_id}
    with pytest.raises(AccessDenied):  # the division's list (every judge's visits) is not theirs
        judge.check_cases(con, Scope(court=court, division=division))
    with pytest.raises(AccessDenied):
        judge.check_cases(con, Scope(court=court))
    head = Access("head", court=court, division=division)
    division_rows = records_behind(con, YEAR, head.check_cases(con, Scope(court=court, division=division)),
                                   "visits_received", page_size=None).rows
    assert set(rows["visit_no"]) <= set(division_rows["visit_no"])
    assert set(division_rows["division"]) == {division}


def test_paging_and_deciding_only(con):
    whole = visit_cases(con, YEAR, Scope(), "visits_resolution_rate", page_size=None)
    first = visit_cases(con, YEAR, Scope(), "visits_resolution_rate", page_size=5)
    second = visit_cases(con, YEAR, Scope(), "visits_resolution_rate", page=1, page_size=5)
    assert list(first.rows["visit_no"]) + list(second.rows["visit_no"]) == list(whole.rows["visit_no"][:10])
    only = visit_cases(con, YEAR, Scope(), "visits_resolution_rate", only_deciding=True, page_size=None)
    assert len(only.rows) == whole.deciding and only.rows["decides"].all()


def test_repeat_petitioners_counted(con):
    """README: P47279 (2025-07-03) and P88998 (2025-12-09) come again within a year in 2025; P41257 in 2024."""
    assert repeat_petitioners(con, YEAR, Scope()) == 2
    assert repeat_petitioners(con, Period.parse("2025Q3"), Scope()) == 1
    assert repeat_petitioners(con, Period.parse("2024"), Scope(category="执行")) == 1


@pytest.mark.parametrize("ind", VISIT_IDS)
def test_the_scan_lists_what_the_stored_facts_list(con, ind, monkeypatch):
    """A database whose facts are stale attributes the visits itself: the same list."""
    import metrics.visit_lists as vl

    scope = Scope(court="示01", with_subordinates=True)
    stored = visit_cases(con, YEAR, scope, ind, page_size=None).rows
    monkeypatch.setattr(vl, "use_facts_for", lambda c: False)
    scanned = visit_cases(con, YEAR, scope, ind, page_size=None).rows
    assert scanned.equals(stored)
    assert repeat_petitioners(con, YEAR, Scope()) == 2
