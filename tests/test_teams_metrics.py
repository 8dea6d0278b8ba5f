"""Trial teams (spec v3, indicators.md "Trial teams"): a case's team is its judge's team in the
current judges list, blank when the judge is not listed, has no team or no list is stored; the
origin-attributed numerators go to the origin case's team; facts and scan agree by team."""
from __future__ import annotations

import csv
import math
import shutil

import duckdb
import pytest

from data.__main__ import main as cli_main
from metrics import Period, Scope, compute
from tests.helpers import ROOT

V3 = ROOT.parent / "shared" / "spec" / "worked-example-v3"
if not V3.is_dir():
    V3 = ROOT / "tests" / "spec" / "worked-example-v3"
pytestmark = pytest.mark.skipif(not V3.is_dir(), reason="spec v3 worked example absent")


def _ingest(db, judges=None) -> int:
    args = ["ingest", str(V3 / "cases.csv"), "--courts", str(V3 / "courts.csv"), "--db", str(db),
            "--rejects", str(db) + ".rejects.csv"]
    return cli_main(args + (["--judges", str(judges)] if judges else []))


@pytest.fixture(scope="module")
def v3_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("teams") / "db.duckdb"
    assert _ingest(db, V3 / "judges.csv") == 0
    return db


def _values(frame) -> dict[tuple, tuple]:
    out = {}
    for r in frame.to_dict("records"):
        key = (r["court_code"], r["team"], r["indicator"])
        out[key] = tuple(None if isinstance(v, float) and math.isnan(v) else v
                         for v in (r["numerator"], r["denominator"], r["value"]))
    return out


def _team_of(db) -> dict[tuple[str, str], str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {(c, j): t for c, j, t in con.execute(
            "SELECT court_code::VARCHAR, judge_id, team FROM cases GROUP BY ALL").fetchall()}


def test_team_is_the_judges_team_in_the_list_blank_otherwise(v3_db):
    with open(V3 / "judges.csv", encoding="utf-8-sig") as f:
        listed = {(r["court_code"], r["judge_id"]): r["team"] for r in csv.DictReader(f)}
    teams = _team_of(v3_db)
    assert teams[("示0201", "J0201190")] == "民一庭第一团队"
    assert teams.get(("示0201", "J0201232"), "") == ""  # listed with no team
    for key, team in teams.items():
        assert team == (listed.get(key) or ""), key


@pytest.mark.parametrize("scope,period", [
    (Scope(court="示01", with_subordinates=True), Period.parse("2025")),
    (Scope(), Period.parse("2025Q3", cumulative=True)),
    (Scope(category="民事"), Period.parse("2024")),
    (Scope(enterprise=True), Period.parse("2025")),
])
def test_facts_equal_scan_by_team(v3_db, scope, period):
    with duckdb.connect(str(v3_db), read_only=True) as con:
        fast = _values(compute(con, period, "team", scope, use_facts=True))
        slow = _values(compute(con, period, "team", scope, use_facts=False))
    assert fast.keys() == slow.keys()
    for key, parts in fast.items():  # sums of amounts may differ in their last bit by the order added
        assert all((a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12))
                   for a, b in zip(parts, slow[key])), (key, parts, slow[key])
    assert any(team == "" for _c, team, _i in fast)  # the blank team is a group
    assert all(v == (None, None, None) for (_c, _t, i), v in fast.items() if i == "lawsuits_per_10k")


def test_teams_add_up_to_their_court(v3_db):
    """Every case of a court is in exactly one of its teams (the blank one included), so counts by
    team add up to the court's; origin-attributed numerators go to the origin case's team."""
    with duckdb.connect(str(v3_db), read_only=True) as con:
        by_team = _values(compute(con, Period.parse("2025"), "team", Scope(),
                                  ["received", "closed", "reversal_remand_rate", "retrial_application_rate"]))
        by_court = compute(con, Period.parse("2025"), "court", Scope(),
                           ["received", "closed", "reversal_remand_rate", "retrial_application_rate"])
    for r in by_court.to_dict("records"):
        total = sum(v[0] for (c, _t, i), v in by_team.items() if c == r["court_code"] and i == r["indicator"])
        assert total == r["numerator"], (r["court_code"], r["indicator"])


def test_no_list_every_team_blank(tmp_path):
    db = tmp_path / "db.duckdb"
    assert _ingest(db) == 0
    assert set(_team_of(db).values()) == {""}
    with duckdb.connect(str(db), read_only=True) as con:
        frame = compute(con, Period.parse("2025"), "team", Scope(), ["received"])
        courts = compute(con, Period.parse("2025"), "court", Scope(), ["received"])
    assert set(frame["team"]) == {""}
    assert sorted(frame["court_code"]) == sorted(courts["court_code"])
    assert list(frame["numerator"]) == list(courts.set_index("court_code").loc[frame["court_code"], "numerator"])


def test_a_judge_moving_team_takes_their_cases_closed_ones_too(tmp_path, v3_db):
    """The current list decides: an import with a new judges list derives every case's team again
    and rebuilds the facts."""
    db = tmp_path / "db.duckdb"
    shutil.copy(v3_db, db)
    moved = ("示0201", "J0201190")
    with duckdb.connect(str(db), read_only=True) as con:
        before = compute(con, Period.parse("2025"), "team", Scope(court="示0201"), ["closed"])
    old = dict(zip(before["team"], before["numerator"]))
    with duckdb.connect(str(db), read_only=True) as con:
        mine = con.execute("SELECT count(*) FROM cases WHERE court_code = ? AND judge_id = ? AND counted "
                           "AND closed_date BETWEEN '2025-01-01' AND '2025-12-31'", list(moved)).fetchone()[0]
    assert mine > 0
    text = (V3 / "judges.csv").read_text(encoding="utf-8-sig").replace(
        "示0201,J0201190,马娟艳,庭长,民一庭,民一庭第一团队", "示0201,J0201190,马娟艳,庭长,民一庭,行政庭第一团队")
    assert "J0201190,马娟艳,庭长,民一庭,行政庭第一团队" in text
    judges = tmp_path / "judges.csv"
    judges.write_text(text, encoding="utf-8")
    assert _ingest(db, judges) == 0
    assert _team_of(db)[moved] == "行政庭第一团队"
    for use_facts in (True, False):
        with duckdb.connect(str(db), read_only=True) as con:
            after = compute(con, Period.parse("2025"), "team", Scope(court="示0201"), ["closed"], use_facts=use_facts)
        new = dict(zip(after["team"], after["numerator"]))
        assert new["行政庭第一团队"] == old["行政庭第一团队"] + mine
        assert new.get("民一庭第一团队", 0) == old["民一庭第一团队"] - mine
