"""访源治理 lists on the worked-example-v3 traced visits: the overdue list agrees with the
visits_overdue numerator and with the dates traced by hand."""
from __future__ import annotations

import datetime as dt

import duckdb

from metrics import Scope
from metrics.visit_lists import overdue
from tests.test_teams_metrics import V3, v3_db  # noqa: F401  (fixture)
from tests.test_visits_metrics import visits_db  # noqa: F401  (fixture)


def _overdue(db, scope, day):
    with duckdb.connect(str(db), read_only=True) as con:
        return overdue(con, scope, day)


def test_overdue_list(visits_db):  # noqa: F811
    # XF2024020001, received 2024-12-09, closed 2025-08-25: pending 112 days at 2025-03-31
    found = _overdue(visits_db, Scope(court="示02"), dt.date(2025, 3, 31))
    assert list(found["visit_no"]) == ["XF2024020001"] and list(found["days_pending"]) == [112]
    assert found["case_no"].isna().all()
    # at 2024-12-31 only 22 days: none (visits_overdue is 0 there too)
    assert _overdue(visits_db, Scope(court="示02"), dt.date(2024, 12, 31)).empty
    # a visit with no case is in no division or category scope
    assert _overdue(visits_db, Scope(court="示02", category="民事"), dt.date(2025, 3, 31)).empty


def test_repeat_petitioners(visits_db):  # noqa: F811
    from metrics.visit_lists import repeat_petitioners
    with duckdb.connect(str(visits_db), read_only=True) as con:
        found = repeat_petitioners(con, Scope(), dt.date(2024, 1, 1), dt.date(2025, 12, 31))
        # traced rows: P41257 twice on 2024-01-09, P47279 twice on 2025-07-03, P88998 2024-12-09 and 2025-12-09
        assert dict(zip(found["petitioner_id"], found["visits"])) == {"P41257": 2, "P47279": 2, "P88998": 2}
        # under 示01 only P47279's two visits (one via its case in 示0102, one registered at 示01)
        sub = repeat_petitioners(con, Scope(court="示01", with_subordinates=True), dt.date(2025, 1, 1),
                                 dt.date(2025, 12, 31))
        assert list(sub["petitioner_id"]) == ["P47279"]


# ---- the whole worked-example-v3 visits list, imported as cli.md says

import csv  # noqa: E402
import shutil  # noqa: E402

import pytest  # noqa: E402

from data.__main__ import main as cli_main  # noqa: E402
from metrics import Period  # noqa: E402
from metrics.access import Access, AccessDenied  # noqa: E402
from metrics.query import Query  # noqa: E402
from metrics.visit_lists import behind, behind_counts, repeat_by_month, repeat_petitioners, sources  # noqa: E402

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture(scope="module")
def full_db(v3_db, tmp_path_factory):  # noqa: F811
    db = tmp_path_factory.mktemp("visit_lists") / "db.duckdb"
    shutil.copy(v3_db, db)
    assert cli_main(["visits", str(V3 / "visits.csv"), "--db", str(db), "--rejects", str(db) + ".vr.csv"]) == 0
    return db


def _expected(name: str, key) -> dict:
    with open(V3 / "expected" / name, encoding="utf-8-sig") as f:
        return {key(r): r for r in csv.DictReader(f) if r["indicator"] == "visits_per_10k_closed"}


def test_sources_by_court_are_the_indicators_numerators(full_db):
    with duckdb.connect(str(full_db), read_only=True) as con:
        found = sources(con, Scope(), Period.parse("2025"), "court")
    q13 = _expected("q13.csv", lambda r: r["court_code"])
    shown = {r["court_code"]: r for r in found.to_dict("records")}
    # every court with visits in 2025 (q13's visits_received > 0), with its closed and per 10k
    assert set(shown) == {c for c, r in q13.items() if r["numerator"] not in ("", "0")}
    for court, r in shown.items():
        assert r["visits"] == int(q13[court]["numerator"]) and r["closed"] == int(q13[court]["denominator"])
        assert r["per_10k"] == pytest.approx(float(q13[court]["value"]))
    # by hand from visits.csv: 示0103 received three in 2025, each naming a 示0103 case
    assert shown["示0103"]["visits"] == 3
    assert list(found["per_10k"]) == sorted(found["per_10k"], reverse=True)  # ranked, most per 10k first


def test_sources_by_team_are_the_indicators_numerators(full_db):
    with duckdb.connect(str(full_db), read_only=True) as con:
        found = sources(con, Scope(court="示01", with_subordinates=True), Period.parse("2025"), "team")
    q14 = _expected("q14.csv", lambda r: (r["court_code"], r["team"]))
    shown = {(r["court_code"], r["team"]): r["visits"] for r in found.to_dict("records")}
    assert shown == {k: int(r["numerator"]) for k, r in q14.items() if r["numerator"] not in ("", "0")}
    # XF2025010002 names (2025)示0102民初10号: 示0102's 民一庭第一团队
    assert shown[("示0102", "民一庭第一团队")] == 1


def test_cases_behind_a_units_visits(full_db):
    with duckdb.connect(str(full_db), read_only=True) as con:
        listed = behind(con, Scope(court="示0103"), *YEAR)
        # the three 2025 visits of 示0103, by hand from visits.csv
        assert list(listed["visit_no"]) == ["XF202501030001", "XF202501030004", "XF202501030002"]
        assert list(listed["case_no"]) == ["(2024)示0103民初5号", "(2025)示0103民初15号", "(2025)示0103民初10号"]
        stored = dict(con.execute("SELECT case_no, closing_method::VARCHAR FROM cases WHERE case_no IN "
                                  "(SELECT case_no FROM visits)").fetchall())
        assert list(listed["closing_method"]) == [stored[c] for c in listed["case_no"]]
        counts = behind_counts(listed, "closing_method")
        assert counts["visits"].sum() == 3 and dict(zip(counts["closing_method"], counts["visits"])) == {
            m: list(listed["closing_method"]).count(m) for m in set(listed["closing_method"])}
        # 示0105: one names a stored case, XF202501050004 names (2024)京0105民初318号, not stored
        court = behind(con, Scope(court="示0105"), *YEAR)
        assert set(court["visit_no"]) == {"XF202501050002", "XF202501050004"}
        assert court.set_index("visit_no").loc["XF202501050004", ["case_no", "case_type"]].isna().all()
        assert behind_counts(court, "case_type")["visits"].sum() == 1  # the unnamed one is no case kind
        # a division scope never takes the visit without a stored case
        division = con.execute("SELECT division FROM cases WHERE case_no = '(2025)示0105民初9号'").fetchone()[0]
        assert list(behind(con, Scope(court="示0105", division=division), *YEAR)["visit_no"]) == ["XF202501050002"]
        team = behind(con, Scope(court="示0102"), *YEAR, team="民一庭第一团队")
        assert list(team["visit_no"]) == ["XF2025010002"]


def test_repeat_petitioners_and_their_months(full_db):
    with duckdb.connect(str(full_db), read_only=True) as con:
        every = (dt.date(2023, 1, 1), dt.date(2025, 12, 31))
        found = repeat_petitioners(con, Scope(), *every)
        months = repeat_by_month(con, Scope(), *every)
    # by hand from visits.csv (accepted rows): P41257 ×3, P88998 ×3, P47279 ×2, P73311 ×2; P46106
    # once (its 1949 row and XF2025000001, closed before received, are rejected), P49793 once
    # (its 示9999 row is rejected)
    assert dict(zip(found["petitioner_id"], found["visits"])) == {
        "P41257": 3, "P88998": 3, "P47279": 2, "P73311": 2}
    assert set(months["petitioner_id"]) == set(found["petitioner_id"])
    assert months.groupby("petitioner_id")["visits"].sum().to_dict() == dict(zip(found["petitioner_id"],
                                                                                  found["visits"]))
    assert months[months.petitioner_id == "P41257"].set_index("month")["visits"].to_dict() == {"2023-12": 1,
                                                                                                "2024-01": 2}


def test_overdue_in_the_whole_list(full_db):
    with duckdb.connect(str(full_db), read_only=True) as con:
        found = overdue(con, Scope(), dt.date(2025, 12, 31))
        total = con.execute("SELECT count(*) FROM visits WHERE received_date < DATE '2025-12-31' - 60 "
                            "AND (closed_date IS NULL OR closed_date > DATE '2025-12-31')").fetchone()[0]
    assert len(found) == total and found["days_pending"].min() > 60


# ---- access: what the page asks passes the viewer's Access first (as ui/queries does)

HEAD = Access(role="head", court="示0105", division="民一庭")
LINE = Access(role="line", court="示01", category="民事")


def test_a_head_gets_only_their_division(full_db):
    with duckdb.connect(str(full_db), read_only=True) as con:
        with pytest.raises(AccessDenied):
            HEAD.check(con, Scope(court="示0105", division="刑庭"))
        with pytest.raises(AccessDenied):
            HEAD.check(con, Scope(court="示0105"))  # the whole court holds its court-only visits
        for asked in (Query(viewer=HEAD, period="2025", court="示0102"),
                      Query(viewer=HEAD, period="2025", court="示0105", division="刑庭")):
            q = asked.authorised(con, by="team")  # pinned back to their division
            assert (q.court, q.division, q.district) == ("示0105", "民一庭", False)
        listed = behind(con, q.scope, *YEAR)
        # the 民一庭 case's visit; never XF202501050004, registered at 示0105 naming no stored case
        assert list(listed["visit_no"]) == ["XF202501050002"]
        assert list(sources(con, q.scope, Period.parse("2025"), "judge")["judge_id"]) == ["J0105180"]
        # their division's teams only: the 民一庭 case's judge has no team (the blank team of 民一庭)
        teams = sources(con, q.scope, Period.parse("2025"), "team")
        assert list(zip(teams["court_code"], teams["team"], teams["visits"])) == [("示0105", "", 1)]


def test_a_line_head_gets_only_their_category(full_db):
    with duckdb.connect(str(full_db), read_only=True) as con:
        q = Query(viewer=LINE, period="2025", court="示01", district=True, category="刑事").authorised(con)
        assert q.category == "民事"
        with pytest.raises(AccessDenied):
            Query(viewer=LINE, period="2025", court="示02", district=True).authorised(con)
        listed = behind(con, q.scope, *YEAR)
        cats = dict(con.execute("SELECT case_no, category::VARCHAR FROM cases").fetchall())
        assert listed["case_no"].notna().all() and {cats[c] for c in listed["case_no"]} == {"民事"}


def test_judges_cannot_open_the_page():
    from metrics.access import ROLES
    from ui.pages import BY_KEY
    opens = {r for r in ROLES if r in BY_KEY["visits_governance"].roles}
    assert opens == {"admin", "leader", "line", "head"}


def test_the_warning_group_lists_the_overdue_visits(full_db):
    from metrics.warnings import visits_overdue
    with duckdb.connect(str(full_db), read_only=True) as con:
        found = visits_overdue(con, Scope(court="示01", with_subordinates=True), dt.date(2025, 12, 31))
        names = dict(con.execute("SELECT court_code::VARCHAR, court_name FROM courts").fetchall())
    # by hand from visits.csv: pending on 2025-12-31 in 示01's district, received before 2025-11-01
    # (XF202501030002, received 2025-11-06, is pending but only 55 days)
    assert list(found["visit_no"]) == ["XF202301030002", "XF2024010004", "XF2025010006"]
    assert list(found["days_pending"]) == [818, 414, 93]
    assert list(found["court_name"]) == [names["示0103"], names["示01"], names["示0102"]]


def test_stale_facts_list_the_same(full_db, monkeypatch):
    """The lists read the stored facts_visits when the facts are current, else attribute the
    visits themselves: the same rows either way."""
    import metrics.visit_lists as vl

    start, end = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
    with duckdb.connect(full_db, read_only=True) as con:
        assert vl.use_facts_for(con)
        asked = [lambda: overdue(con, Scope(court="示01", with_subordinates=True), dt.date(2025, 12, 31)),
                 lambda: repeat_petitioners(con, Scope(), start, end),
                 lambda: behind(con, Scope(court="示0103"), start, end),
                 lambda: repeat_by_month(con, Scope(), start, end)]
        stored = [ask() for ask in asked]
        monkeypatch.setattr(vl, "use_facts_for", lambda c: False)
        for ask, before in zip(asked, stored):
            scanned = ask()
            assert len(before) > 0 and scanned.equals(before), (scanned, before)
