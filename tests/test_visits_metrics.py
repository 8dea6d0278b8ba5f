"""Letters and visits (spec v3): attribution, repeats and pending-over-60-days, traced by hand
from worked-example-v3/README.md. The visits are the README's traced rows written as the import
stores them (brackets half-width, dates ISO, booleans, canonical outcomes)."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from metrics import Period, Scope
from metrics.engine import use_facts_for, visit_aggregates as aggregates
from metrics.facts import write_visit_facts
from metrics.visits import ATTRIBUTED, has_visits
from tests.test_teams_metrics import V3, v3_db  # noqa: F401  (fixture)

TRACED = [
    ("XF2023020002", "示02", "2023-12-09", "来信", "P88998", None, False, False, "2023-12-09", "依法终结"),
    ("XF2024020001", "示02", "2024-12-09", "网上信访", "P88998", None, False, False, "2025-08-25", "依法终结"),
    ("XF2025000004", "示", "2025-12-09", "电话", "P88998", None, False, False, "2025-12-28", "其他"),
    ("XF2025010002", "示01", "2025-07-03", "电话", "P47279", "(2025)示0102民初10号", True, False, "2025-08-12", "依法终结"),
    ("XF2025010004", "示01", "2025-07-03", "来访", "P47279", None, False, False, "2025-08-03", "化解息诉"),
    ("XF2023020001", "示02", "2023-12-25", "电话", "P41257", "(2023)示0202执2号", True, True, "2024-01-24", "依法终结"),
    ("XF2024000003", "示", "2024-01-09", "12368热线", "P41257", "(2023)示0202执2号", True, False, "2024-02-12", "化解息诉"),
    ("XF2024020005", "示02", "2024-01-09", "来访", "P41257", "(2023)示0202执2号", True, False, "2024-02-05", "其他"),
    ("XF202402990001", "示0299", "2024-09-28", "来信", "P70599", None, False, False, "2024-10-09", "转交办"),
    ("XF202501050004", "示0105", "2025-09-06", "网上信访", "P28485", "(2024)京0105民初318号", False, False,
     "2025-10-06", "解释疏导"),
    ("XF202502010004", "示0201", "2025-07-28", "接访", "P89017", "(2025)示0201民初9号", True, False, "2025-09-11",
     "化解息诉"),
]


@pytest.fixture(scope="module")
def visits_db(v3_db, tmp_path_factory):  # noqa: F811
    db = tmp_path_factory.mktemp("visits") / "db.duckdb"
    shutil.copy(v3_db, db)
    with duckdb.connect(str(db)) as con:  # a case import leaves table visits, empty
        con.executemany("INSERT INTO visits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", TRACED)
        write_visit_facts(con)  # as the visits import does
    return db


def _attributed(db) -> dict[str, dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute(f"WITH {ATTRIBUTED} SELECT * FROM attributed")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}


def test_no_list_no_values(v3_db, tmp_path):  # noqa: F811
    with duckdb.connect(str(v3_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM visits").fetchone() == (0,)
        assert not has_visits(con)  # an empty list is no list
    db = tmp_path / "db.duckdb"
    shutil.copy(v3_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO visits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", TRACED[0])
        assert has_visits(con)
        con.execute("DROP TABLE visits")
        assert not has_visits(con)  # a database older than the list


def test_repeats_within_365_days_by_date_then_visit_no(visits_db):
    a = _attributed(visits_db)
    # P88998: 366 days across 2024-02-29 is not a repeat; 365 days is
    assert [a[v]["repeat"] for v in ("XF2023020002", "XF2024020001", "XF2025000004")] == [False, False, True]
    # P47279: two visits the same day, the greater visit_no is the repeat
    assert (a["XF2025010002"]["repeat"], a["XF2025010004"]["repeat"]) == (False, True)
    # P41257: the two later ones are repeats, whichever court registered them
    assert [a[v]["repeat"] for v in ("XF2023020001", "XF2024000003", "XF2024020005")] == [False, True, True]


def test_attribution_to_the_named_case_or_the_registering_court(visits_db):
    a = _attributed(visits_db)
    with duckdb.connect(str(visits_db), read_only=True) as con:
        case = dict(zip(("court_code", "division", "judge_id", "team"), con.execute(
            "SELECT court_code::VARCHAR, division, judge_id, team FROM cases WHERE case_no = ?",
            ["(2025)示0102民初10号"]).fetchone()))
    assert {k: a["XF2025010002"][k] for k in case} == case
    assert a["XF2025010004"]["court_code"] == "示01" and a["XF2025010004"]["division"] is None
    for v in ("XF2023020001", "XF2024000003", "XF2024020005"):
        assert (a[v]["court_code"], a[v]["category"]) == ("示0202", "执行")
    for v, court in (("XF202501050004", "示0105"), ("XF202502010004", "示0201"), ("XF202402990001", "示0299")):
        assert (a[v]["court_code"], a[v]["has_case"], a[v]["category"]) == (court, False, None)


def _measures(db, scope, period, group=(), use_facts=False) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        frame = aggregates(con, scope, [Period.parse(period)], list(group), use_facts)
    return {tuple(r[g] for g in group): r for r in frame.to_dict("records")}


@pytest.mark.parametrize("scope", [Scope(), Scope(court="示02", with_subordinates=True), Scope(court="示0202",
                                   category="执行"), Scope(court="示01", division="民一庭"), Scope(enterprise=True)])
@pytest.mark.parametrize("group", [(), ("court_code",), ("court_code", "division"), ("court_code", "team")])
def test_stored_visit_facts_equal_the_scan(visits_db, scope, group):
    with duckdb.connect(str(visits_db), read_only=True) as con:
        assert use_facts_for(con)  # the fixture's facts are current, facts_visits included
    for period in ("2024", "2025Q1", "2025", "2023-12"):
        scanned = _measures(visits_db, scope, period, group)
        assert _measures(visits_db, scope, period, group, use_facts=True) == scanned


def test_scopes_and_groups(visits_db):
    # P41257's visits count for 示0202 under --category 执行; the registering court's does not
    assert _measures(visits_db, Scope(court="示0202", category="执行"), "2024")[()]["visits_received"] == 2
    # an unattributed visit is in every scope holding its court, in no --category or --enterprise
    assert _measures(visits_db, Scope(court="示0105"), "2025")[()]["visits_received"] == 1
    assert _measures(visits_db, Scope(court="示0105", category="民事"), "2025") == {}
    assert _measures(visits_db, Scope(enterprise=True), "2025").get((), {}).get("visits_received", 0) == 0
    # 2025 by team: only attributed visits, in their case's team
    teams = _measures(visits_db, Scope(), "2025", ("court_code", "team"))
    assert sum(r["visits_received"] for r in teams.values()) == 1
    assert ("示0102", _attributed(visits_db)["XF2025010002"]["team"]) in teams


def test_pending_over_60_days(visits_db):
    # XF2024020001, received 2024-12-09, closed 2025-08-25: pending at 2025-03-31 for 112 days
    over = _measures(visits_db, Scope(court="示02"), "2025Q1")[()]
    assert over["visits_overdue"] == 1
    # at 2024-12-31 it was pending 22 days only
    assert _measures(visits_db, Scope(court="示02"), "2024Q4")[()]["visits_overdue"] == 0


VISIT_IDS = ["visits_received", "visits_per_10k_closed", "visits_resolution_rate", "repeat_visit_rate",
             "skip_level_rate", "visits_hearing_rate", "visits_avg_days", "visits_overdue"]


def test_indicators_empty_without_a_list_and_computed_with_one(v3_db, visits_db):  # noqa: F811
    from metrics import compute
    with duckdb.connect(str(v3_db), read_only=True) as con:
        none = compute(con, Period.parse("2025"), "court", Scope(), VISIT_IDS)
    assert none[["numerator", "denominator", "value"]].isna().all().all()
    with duckdb.connect(str(visits_db), read_only=True) as con:
        by_court = compute(con, Period.parse("2024"), "court", Scope(), ["visits_received"])
        whole = compute(con, Period.parse("2024"), None, Scope(court="示02", with_subordinates=True), VISIT_IDS)
    received = dict(zip(by_court["court_code"], by_court["numerator"]))
    assert "示0299" not in received  # visits do not make groups
    assert received["示0202"] == 2  # P41257's two visits of 2024
    row = dict(zip(whole["indicator"], whole["numerator"]))
    # 2024 in 示02's district: P41257's two, P88998's 2024-12-09 and 示0299's
    assert row["visits_received"] == 4 and row["repeat_visit_rate"] == 2 and row["visits_overdue"] == 0
