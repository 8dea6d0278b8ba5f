"""Trial teams (审判团队) as a level on the pages: who may compare them (Role.compare_levels), a
head only their own division's teams and a judge none — enforced in Access.check whatever the
query asks — a team's scope agrees with its row grouped by team, and a team's 画像 ranks it
among the teams of divisions of the same name."""
from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest

from data.demo import generate
from metrics import Period, Scope, compute
from metrics.access import ROLES, Access, AccessDenied
from metrics.catalogue import BY_ID
from metrics.profile import check_unit, peer_base, peer_values, percentile, profile, ranked_indicators
from metrics.query import Query

PERIOD = Period.parse("2026Q3", cumulative=True)
COURT, OWN, OTHER = "示0102", "民一庭", "执行局"
HEAD = Access(role="head", court=COURT, division=OWN)
JUDGE_ROLE = "judge"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("teams_demo") / "demo.duckdb")
    generate(path, cases=60_000, progress=False)
    with duckdb.connect(path, read_only=True) as c:
        yield c


def _teams(con, court, division):
    return [r[0] for r in con.execute(
        "SELECT DISTINCT team FROM cases WHERE court_code::VARCHAR = ? AND division = ? AND team <> '' ORDER BY 1",
        [court, division]).fetchall()]


def test_the_roles_that_compare_divisions_compare_teams_a_head_its_own_a_judge_none():
    for role in ("admin", "leader", "line"):
        assert "team" in ROLES[role].compare_levels and "division" in ROLES[role].compare_levels
    assert ROLES["head"].compare_levels == ("judge", "team")  # their judges first, as before
    assert "team" not in ROLES["judge"].compare_levels
    assert HEAD.profile_levels == ("division", "team", "judge")
    judge = Access(role="judge", court=COURT, division=OWN, judge_id="x")
    assert "team" not in judge.profile_levels


def test_a_head_reaches_their_divisions_teams_and_no_other(con):
    own, other = _teams(con, COURT, OWN), _teams(con, COURT, OTHER)
    assert own and other and not set(own) & set(other)
    assert HEAD.teams(con) == own
    for team in own:
        scope = Scope(court=COURT, division=OWN, team=team)
        assert HEAD.check(con, scope) == scope
        assert HEAD.check_profile(con, "team", scope) == scope
    for team in other:  # asked directly, or in the other division's own scope
        for scope in (Scope(court=COURT, division=OWN, team=team), Scope(court=COURT, division=OTHER, team=team)):
            with pytest.raises(AccessDenied):
                HEAD.check(con, scope)
            with pytest.raises(AccessDenied):
                HEAD.check_profile(con, "team", scope)
    # a page's query (what the URL parameters set) is pinned to the head's division, then refused
    for division in (OTHER, None, OWN):
        q = Query(viewer=HEAD, period="2026Q3", court=COURT, division=division, team=other[0])
        with pytest.raises(AccessDenied):
            q.authorised(con, "team")
        with pytest.raises(AccessDenied):
            q.authorised(con, cases=True)  # nor the team's case list
    # grouped by team, the head's query holds only the teams of their division
    q = Query(viewer=HEAD, period="2026Q3", court=COURT, division=OTHER).authorised(con, "team")
    assert q.division == OWN
    listed = set(compute(con, PERIOD, "team", q.scope, ["closed"])["team"]) - {""}
    assert listed == set(own)


def test_a_judge_has_no_team_level(con):
    judge_id = con.execute("SELECT judge_id FROM cases WHERE court_code = ? AND division = ? AND team <> '' LIMIT 1",
                           [COURT, OWN]).fetchone()[0]
    team = con.execute("SELECT team FROM cases WHERE court_code = ? AND judge_id = ? LIMIT 1",
                       [COURT, judge_id]).fetchone()[0]
    judge = Access(role="judge", court=COURT, division=OWN, judge_id=judge_id)
    scope = Scope(court=COURT, division=OWN)
    assert judge.check(con, scope) == scope
    with pytest.raises(AccessDenied):
        judge.check(con, scope, "team")
    with pytest.raises(AccessDenied):  # not even their own team
        judge.check(con, Scope(court=COURT, division=OWN, team=team))
    with pytest.raises(AccessDenied):
        judge.check_profile(con, "team", Scope(court=COURT, division=OWN, team=team))


def test_a_line_head_compares_teams_of_their_line_only(con):
    line = Access(role="line", court="示01", category="民事")
    team = _teams(con, COURT, OWN)[0]
    scope = Scope(court=COURT, category="民事", team=team)
    assert line.check(con, scope, "team") == scope
    assert line.check(con, Scope(court="示01", with_subordinates=True, category="民事"), "team")
    for wrong in (Scope(court=COURT, category="刑事", team=team), Scope(court=COURT, team=team)):
        with pytest.raises(AccessDenied):
            line.check(con, wrong, "team")
    with pytest.raises(AccessDenied):  # a team is of a court
        Access(role="admin").check(con, Scope(team=team))


def _values(frame):
    return {r["indicator"]: tuple(None if isinstance(v, float) and math.isnan(v) else v
                                  for v in (r["numerator"], r["denominator"], r["value"]))
            for r in frame.to_dict("records")}


def test_a_teams_scope_is_its_row_grouped_by_team(con):
    ids = ["closed", "closure_rate", "avg_trial_days", "reversal_remand_rate"]
    ids = [i for i in ids if i in BY_ID]
    grouped = compute(con, PERIOD, "team", Scope(court=COURT), ids)
    for team in _teams(con, COURT, OWN):
        alone = compute(con, PERIOD, None, Scope(court=COURT, team=team), ids)
        assert _values(alone) == _values(grouped[grouped["team"] == team]), team


def test_a_teams_profile_ranks_it_among_the_teams_of_divisions_of_its_name(con):
    team = _teams(con, COURT, OWN)[0]
    scope = Scope(court=COURT, division=OWN, team=team)
    check_unit("team", scope)
    for bad in (Scope(court=COURT, team=team), Scope(court=COURT, division=OWN),
                Scope(court=COURT, division=OWN, team="")):
        with pytest.raises(ValueError):
            check_unit("team", bad)
    with pytest.raises(ValueError):
        check_unit("division", Scope(court=COURT, division=OWN, team=team))
    p = profile(con, PERIOD, "team", scope)
    assert p.level == "team" and p.peer_division == OWN
    levels = dict(con.execute("SELECT court_code::VARCHAR, level FROM courts").fetchall())
    same = {c for c, lv in levels.items() if lv == levels[COURT]}
    # by hand: every (court, team) of a 民一庭 at a court of the same level, the blank team left out
    teams = con.execute("SELECT DISTINCT court_code::VARCHAR, team FROM cases WHERE division = ? AND team <> ''",
                        [OWN]).fetchall()
    peers = {(c, tm) for c, tm in teams if c in same}
    assert p.peers == len(peers) and (COURT, team) in peers
    frame, division = peer_values(con, PERIOD, "team", levels[COURT], peer_base("team", scope))
    assert division == OWN and "" not in set(frame["team"])
    assert set(map(tuple, frame[["court_code", "team"]].drop_duplicates().to_numpy())) == peers
    ind = next(i for i in ranked_indicators("team") if i == "closure_rate")
    part = frame[frame["indicator"] == ind]
    mine = (part["court_code"] == COURT) & (part["team"] == team)
    own = float(part.loc[mine, "value"].iloc[0])
    expected = percentile(own, part.loc[~mine, "value"].to_numpy(dtype=float), BY_ID[ind].direction)
    got = p.indicators.set_index("indicator").loc[ind, "percentile"]
    assert (expected is None and np.isnan(got)) or got == pytest.approx(expected)
    # the team's own figures are those of its scope
    alone = compute(con, PERIOD, None, scope, [ind])
    assert p.indicators.set_index("indicator").loc[ind, "value"] == pytest.approx(alone["value"].iloc[0])


def test_meets_rates_are_per_team(con):
    from metrics.api import indicator_table, meets_rates

    table = indicator_table(con, PERIOD, Scope(court=COURT), "team")
    rates = meets_rates(table)
    assert list(rates.columns[:2]) == ["court_code", "team"]
    assert len(rates) == table.drop_duplicates(["court_code", "team"]).shape[0]


def test_the_briefings_units_table_has_the_teams_of_a_court_or_a_division(con):
    import io

    import openpyxl

    from report import frozen
    from report.briefing import build, to_docx, to_xlsx, unit_rows

    b = build(con, Scope(court=COURT), PERIOD, follow=False)
    teams = set(con.execute("SELECT DISTINCT team FROM cases WHERE court_code = ? AND team <> ''", [COURT]).fetchall())
    assert set(b.teams["team"]) == {t for (t,) in teams} and "" not in set(b.teams["team"])
    header, rows = unit_rows(b, teams=True)
    assert header[0] == "审判团队" and sorted(r[0] for r in rows) == sorted(t for (t,) in teams)
    sheets = openpyxl.load_workbook(io.BytesIO(to_xlsx(b))).sheetnames
    assert "各审判团队" in sheets
    import docx

    doc = docx.Document(io.BytesIO(to_docx(b)))
    assert "各审判团队" in [p.text for p in doc.paragraphs]
    assert any(t.rows[0].cells[0].text == "审判团队" for t in doc.tables)
    assert frozen.loads(frozen.dumps(b)).teams.shape == b.teams.shape  # kept as issued
    division = build(con, Scope(court=COURT, division=OWN), PERIOD, follow=False)
    assert set(division.teams["team"]) == set(_teams(con, COURT, OWN))
    # no teams for a reader without the team level, nor across a district's courts
    assert build(con, Scope(court=COURT), PERIOD, follow=False, teams=False).teams.empty
    assert build(con, Scope(court="示01", with_subordinates=True), PERIOD, follow=False).teams.empty
