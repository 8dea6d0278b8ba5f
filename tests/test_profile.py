"""画像: each part of a unit's profile agrees with the indicators, the assessment and 节点管控
computed on their own, and its percentiles with a count over the peers done here by hand."""
from __future__ import annotations

import numpy as np
import pytest

from metrics import Period, Scope, compute
from metrics.access import Access, AccessDenied
from metrics.api import indicator_table, meets_rates
from metrics.catalogue import BY_ID, Direction
from metrics.profile import AGE_BANDS, check_unit, key_indicators, percentile, profile, ranked_indicators
from metrics.score import assessment
from metrics.warnings import warning_counts
from tests.test_demo_v2 import con  # noqa: F401  (fixture)

PERIOD = Period.parse("2026Q3", cumulative=True)


def test_percentile_counts_the_peers_beaten_with_ties_as_half():
    others = np.array([0.4, 0.5, 0.6, 0.7, 0.8, np.nan])
    assert percentile(0.75, others, Direction.HIGHER) == 80.0   # beats 4 of 5
    assert percentile(0.75, others, Direction.LOWER) == 20.0    # lower is better: beats 1 of 5
    assert percentile(0.7, others, Direction.HIGHER) == 70.0    # beats 3, ties 1
    assert percentile(0.9, others, Direction.HIGHER) == 100.0
    assert percentile(None, others, Direction.HIGHER) is None
    # among fewer than five others a percentile would be a rank: none
    assert percentile(0.7, np.array([0.5, 0.6, 0.8, 0.9, np.nan]), Direction.HIGHER) is None


def test_a_profile_names_exactly_one_unit():
    check_unit("court", Scope(court="示0101"))
    check_unit("judge", Scope(court="示0101", division="民一庭", judge_id="x"))
    for level, scope in (("court", Scope(court="示01", with_subordinates=True)), ("court", Scope()),
                         ("division", Scope(court="示0101")), ("judge", Scope(court="示0101", division="民一庭")),
                         ("court", Scope(court="示0101", division="民一庭")), ("team", Scope(court="示0101"))):
        with pytest.raises(ValueError):
            check_unit(level, scope)


def _units(con):  # noqa: F811
    judge = con.execute("SELECT judge_id FROM cases WHERE court_code = '示0102' AND division = '民一庭' "
                        "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    return [("court", Scope(court="示0102"), ["court_code"], ("示0102",)),
            ("division", Scope(court="示0102", division="民一庭"), ["court_code", "division"], ("示0102", "民一庭")),
            ("judge", Scope(court="示0102", division="民一庭", judge_id=judge), ["court_code", "judge_id"],
             ("示0102", judge))]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["court", "division", "judge"])
def test_profile_agrees_with_the_assessment_and_the_indicators(con, which):  # noqa: F811
    level, scope, keys, key = _units(con)[which]
    p = profile(con, PERIOD, level, scope)
    # composite and its change: the assessment of the unit's level, in its own division for a judge
    within = Scope(court=scope.court, division=scope.division) if level == "judge" else Scope(court=scope.court)
    units, _ = assessment(con, PERIOD, level, within if level != "court" else Scope(court="示01", with_subordinates=True))
    row = units[(units[keys] == list(key)).all(axis=1)].iloc[0]
    assert p.composite == pytest.approx(row["composite"])
    assert p.composite_prev == pytest.approx(row["composite_prev"])
    # 达标率: the indicator table of the unit
    rates = meets_rates(indicator_table(con, PERIOD, scope)).iloc[0]
    assert (p.meets_rate, p.meets, p.judged) == (rates["meets_rate"], rates["meets"], rates["judged"])
    # pending ages: every pending case in one band, the bands over 12 months = 超12个月未结
    values = compute(con, PERIOD, None, scope, ["pending", "over12m_pending", "carried_over", "received"])
    values = values.set_index("indicator")["value"]
    assert p.ages["cases"].sum() == values["pending"]
    assert p.ages.loc[p.ages["band"].isin(["m12_18", "m18_36", "m36_"]), "cases"].sum() == values["over12m_pending"]
    assert list(p.ages["band"]) == [b[0] for b in AGE_BANDS]
    # caseload: every case handled (carried over + received) once by type and once by cause
    assert p.case_types["cases"].sum() == p.causes["cases"].sum() == values["carried_over"] + values["received"]
    # warnings: as 节点管控 counts them on the period's end
    counts = warning_counts(con, scope, PERIOD.end, level).iloc[0]
    assert p.warnings == {k: counts[k] for k in p.warnings}
    # three years of the key indicators, the last being this period's
    assert sorted(p.history["year"].unique()) == [2024, 2025, 2026]
    last = p.history[p.history["year"] == 2026].set_index("indicator")["value"]
    first = compute(con, PERIOD.year_ago().year_ago(), None, scope, key_indicators()).set_index("indicator")["value"]
    now = compute(con, PERIOD, None, scope, key_indicators()).set_index("indicator")["value"]
    assert last.to_dict() == pytest.approx(now.to_dict(), nan_ok=True)
    assert p.history[p.history["year"] == 2024].set_index("indicator")["value"].to_dict() == pytest.approx(
        first.to_dict(), nan_ok=True)


@pytest.mark.parametrize("which", [0, 2], ids=["court", "judge"])
def test_percentiles_match_a_count_over_the_peers(con, which):  # noqa: F811
    level, scope, keys, key = _units(con)[which]
    p = profile(con, PERIOD, level, scope)
    levels = dict(con.execute("SELECT court_code::VARCHAR, level FROM courts").fetchall())
    peer_scope = Scope(division=scope.division) if level == "judge" else Scope()
    everyone = compute(con, PERIOD, level, peer_scope, ranked_indicators(level))
    everyone = everyone[everyone["court_code"].map(levels) == levels[scope.court]]
    assert p.peers == everyone.drop_duplicates(keys).shape[0] and p.peers >= 5
    checked = 0
    for ind_id in ranked_indicators(level):
        part = everyone[everyone["indicator"] == ind_id]
        mine = (part[keys] == list(key)).all(axis=1)
        value = part.loc[mine, "value"].iloc[0]
        others = [v for v in part.loc[~mine, "value"] if not np.isnan(v)]
        got = p.indicators.set_index("indicator").loc[ind_id, "percentile"]
        if np.isnan(value) or len(others) < 5:
            assert np.isnan(got)
            continue
        higher = BY_ID[ind_id].direction is Direction.HIGHER
        beaten = sum((o < value) if higher else (o > value) for o in others) + 0.5 * others.count(value)
        assert got == pytest.approx(100 * beaten / len(others)), ind_id
        checked += 1
    assert checked >= 10
    assert not p.strengths().empty and not p.weaknesses().empty
    assert p.strengths()["percentile"].min() >= 50 > p.weaknesses()["percentile"].max()
    if level == "judge":
        assert "leader_closed_share" not in set(p.indicators.dropna(subset=["percentile"])["indicator"])


def test_who_may_open_which_profile(con):  # noqa: F811
    judge = Access(role="judge", court="示0102", division="民一庭", judge_id="J1")
    judge.check_profile(con, "judge", Scope(court="示0102", division="民一庭", judge_id="J1"))
    for level, scope in (("judge", Scope(court="示0102", division="民一庭", judge_id="J2")),
                         ("division", Scope(court="示0102", division="民一庭")), ("court", Scope(court="示0102"))):
        with pytest.raises(AccessDenied):
            judge.check_profile(con, level, scope)
    head = Access(role="head", court="示0102", division="民一庭")
    head.check_profile(con, "division", Scope(court="示0102", division="民一庭"))
    head.check_profile(con, "judge", Scope(court="示0102", division="民一庭", judge_id="J2"))
    for level, scope in (("division", Scope(court="示0102", division="民二庭")), ("court", Scope(court="示0102")),
                         ("judge", Scope(court="示0101", division="民一庭", judge_id="J3"))):
        with pytest.raises(AccessDenied):
            head.check_profile(con, level, scope)
    leader = Access(role="leader", court="示01")
    leader.check_profile(con, "court", Scope(court="示0102"))
    with pytest.raises(AccessDenied):
        leader.check_profile(con, "court", Scope(court="示0201"))
