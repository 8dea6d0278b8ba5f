"""画像 (profile) of one unit — a court, a division, a trial team or a judge — for the year-end file: its
indicators against the ranges and last year, its composite and 达标率, where it stands among its
peers (as percentiles), three years of its key indicators, its caseload mix, the age of its
pending cases and its warnings.

Peers are the units of the same level at courts of the same court level across the database:
for a division, the divisions of the same name (民一庭 with 民一庭) — unless fewer than MIN_PEERS
such divisions exist, when the name is not required; for a judge, always the judges of divisions
of that name (a judge's figures are those of their division); for a trial team, always the teams
of divisions of that name (a case with no team is in no team, so not a peer). With fewer than MIN_PEERS other
peers holding a value there is no percentile: among so few it would be a rank. Only the unit's
own percentile leaves this module, never another unit's figures.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from . import inventory, measures
from .api import indicator_table, meets_rates
from .catalogue import BY_ID, CATALOGUE, Direction, Kind, View, in_view
from .engine import GROUP_COLUMNS, Scope, compute
from .evaluation import EvaluationConfig, load_config
from .periods import Period
from .score import unit_scores
from .warnings import cases_on, condition

LEVELS = ("court", "division", "team", "judge")
MIN_PEERS = 5
HISTORY_YEARS = 3
TOP_CAUSES = 8
# Pending age bands (days on hand less deducted days, as 超12个月未结 counts them): (key, above, up to)
AGE_BANDS = (("m0_3", -1, 91), ("m3_6", 91, 182), ("m6_12", 182, 365), ("m12_18", 365, 548),
             ("m18_36", 548, 1095), ("m36_", 1095, None))
WARNING_KINDS = ("past_limit", "near_15", "over_12m", "over_18m", "over_36m", "extended")


def ranked_indicators(level: str) -> list[str]:
    """Indicators a unit can stand better or worse on among its peers: a direction, and not a
    count (a count follows the unit's size, not how well it works); for a judge, not the share
    of cases closed by leaders (a judge either is a leader or is not)."""
    return [i.id for i in CATALOGUE if i.direction is not Direction.NONE and i.kind is not Kind.COUNT
            and not (level == "judge" and i.needs_judge_list)]


def key_indicators() -> list[str]:
    """The indicators of the three-year view: those the briefing compares units on."""
    return list(in_view(View.BRIEFING_UNITS))


@dataclass(frozen=True)
class Profile:
    level: str
    scope: Scope
    period: Period
    indicators: pd.DataFrame   # indicator_table rows + percentile, peers
    composite: float | None
    composite_prev: float | None
    meets_rate: float | None
    meets: int
    judged: int
    peers: int                 # units in the peer group (the unit included)
    peer_division: str | None  # the division name peers share (None: not required)
    history: pd.DataFrame      # year, label, indicator, value (key indicators, three years)
    case_types: pd.DataFrame   # case_type, cases (handled in the period)
    causes: pd.DataFrame       # cause, cases (top causes, the rest as one row with cause None)
    ages: pd.DataFrame         # band, cases (pending at the period's end)
    warnings: dict[str, int]   # warning kind → pending cases on the period's end

    def strengths(self, n: int = 3) -> pd.DataFrame:
        """Up to n indicators above the middle of the peers, best first (the middle itself is neither)."""
        ranked = self.indicators.dropna(subset=["percentile"])
        return ranked[ranked["percentile"] > 50].nlargest(n, "percentile")

    def weaknesses(self, n: int = 3) -> pd.DataFrame:
        ranked = self.indicators.dropna(subset=["percentile"])
        return ranked[ranked["percentile"] < 50].nsmallest(n, "percentile")


def percentile(value, others: np.ndarray, direction: Direction) -> float | None:
    """The share of the other peers this value does better than, ties counting half, in percent
    (100: better than every peer). None without a value or with fewer than MIN_PEERS other peers
    holding one."""
    others = others[~np.isnan(others)]
    if value is None or (isinstance(value, float) and np.isnan(value)) or len(others) < MIN_PEERS:
        return None
    below, equal = float((others < value).sum()), float((others == value).sum())
    above = len(others) - below - equal
    better = below if direction is Direction.HIGHER else above
    return 100.0 * (better + equal / 2) / len(others)


def _unit_key(level: str, scope: Scope) -> tuple:
    return {"court": (scope.court,), "division": (scope.court, scope.division),
            "team": (scope.court, scope.team), "judge": (scope.court, scope.judge_id)}[level]


def peer_base(level: str, scope: Scope) -> Scope:
    """What a unit's peers share besides their court level: category and 涉企, and for a division,
    a team or a judge the division's name."""
    return Scope(division=scope.division if level != "court" else None, category=scope.category,
                 enterprise=scope.enterprise)


def peer_values(con: duckdb.DuckDBPyConnection, period: Period, level: str, court_level: str | None,
                base: Scope) -> tuple[pd.DataFrame, str | None]:
    """The ranked indicators of every unit at `level` in courts of `court_level` that shares
    `base` (peer_base): [group], indicator, value; and the division name they share (None when
    fewer than MIN_PEERS share it and it is not required)."""
    same_level = {c for c, lv in inventory.court_levels(con).items() if lv == court_level}
    ids = ranked_indicators(level)
    frame = None
    if base.division is not None:
        frame = compute(con, period, level, base, ids)
        frame = frame[frame["court_code"].isin(same_level)]
        if level == "team":  # the blank team is no team
            frame = frame[frame["team"] != ""]
        if level == "division" and frame.drop_duplicates(GROUP_COLUMNS[level]).shape[0] < MIN_PEERS:
            frame = None
    division = base.division if frame is not None else None
    if frame is None:
        frame = compute(con, period, level, replace(base, division=None), ids)
        frame = frame[frame["court_code"].isin(same_level)]
    return frame[GROUP_COLUMNS[level] + ["indicator", "value"]], division


def standing(peers: pd.DataFrame, level: str, scope: Scope) -> pd.DataFrame:
    """The unit's percentile on each ranked indicator among `peers` (peer_values): indicator,
    percentile, peers (units with a value, the unit included)."""
    peers = peers.reset_index(drop=True)
    keys = GROUP_COLUMNS[level]
    mine = np.all([peers[k].to_numpy() == v for k, v in zip(keys, _unit_key(level, scope))], axis=0)
    rows = []
    for ind_id, part in peers.groupby("indicator", sort=False):
        is_mine = mine[part.index.to_numpy()]
        own = part.loc[is_mine, "value"]
        value = float(own.iloc[0]) if len(own) and pd.notna(own.iloc[0]) else None
        others = part.loc[~is_mine, "value"].to_numpy(dtype=float)
        rows.append({"indicator": ind_id, "percentile": percentile(value, others, BY_ID[ind_id].direction),
                     "peers": int(part["value"].notna().sum())})
    return pd.DataFrame(rows, columns=["indicator", "percentile", "peers"]).astype({"percentile": float})


def history(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope, years: int = HISTORY_YEARS) -> pd.DataFrame:
    """The key indicators of the scope over the same period of the last `years` years (oldest
    first): year, label, indicator, value."""
    frames, p = [], period
    for _ in range(years):
        part = compute(con, p, None, scope, key_indicators())
        frames.append(part.assign(year=p.start.year, label=p.label)[["year", "label", "indicator", "value"]])
        p = p.year_ago()
    return pd.concat(frames[::-1], ignore_index=True)


def caseload_mix(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counted cases the scope handled in the period (pending at its start or filed in it) by
    case type and by cause: (case_type, cases), (cause, cases) — the top causes, then the rest as
    one row whose cause is None."""
    where, params = scope.where()
    base = f"FROM cases c WHERE {where} AND c.counted AND {measures.handled_in('?', '?', 'c')}"
    args = params + [period.end, period.start]
    types = con.execute(f"SELECT c.case_type::VARCHAR AS case_type, count(*) AS cases {base} "
                        "GROUP BY ALL ORDER BY cases DESC, case_type", args).df()
    causes = con.execute(f"""
        WITH t AS (SELECT c.cause, count(*) AS cases {base} GROUP BY ALL),
        r AS (SELECT *, row_number() OVER (ORDER BY cases DESC, cause) AS n FROM t)
        SELECT CASE WHEN n <= ? THEN cause END AS top, sum(cases)::BIGINT AS cases FROM r
        GROUP BY top ORDER BY top IS NULL, cases DESC, top""", args + [TOP_CAUSES]).df()
    return types, causes.rename(columns={"top": "cause"})


def pending_picture(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date) -> tuple[pd.DataFrame, dict[str, int]]:
    """In one pass over the scope's cases on as_of: the counted cases pending by age band
    (AGE_BANDS: band, cases, every band listed), and the cases of each warning kind
    (WARNING_KINDS) as 节点管控 counts them."""
    sql, params = cases_on(scope, as_of)
    ages = [f"count_if(is_pending AND age > {lo}{'' if hi is None else f' AND age <= {hi}'})" for _k, lo, hi in AGE_BANDS]
    warnings = [f"count_if({condition(k, 5)})" for k in WARNING_KINDS]
    row = [int(v or 0) for v in con.execute(f"SELECT {', '.join(ages + warnings)} FROM ({sql})", params).fetchone()]
    return (pd.DataFrame({"band": [b[0] for b in AGE_BANDS], "cases": row[:len(AGE_BANDS)]}),
            dict(zip(WARNING_KINDS, row[len(AGE_BANDS):])))


def check_unit(level: str, scope: Scope) -> None:
    """A unit's scope names exactly its unit: a court alone, a division of a court, or a judge
    (of a division, or of a court)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level}")
    if scope.court is None or scope.with_subordinates:
        raise ValueError("a profile is of one court's unit")
    if level == "court" and (scope.division is not None or scope.judge_id is not None):
        raise ValueError("a court profile is of the whole court")
    if level == "division" and (scope.division is None or scope.judge_id is not None or scope.team is not None):
        raise ValueError("a division profile needs a division and no judge")
    if level == "team" and (scope.division is None or not scope.team or scope.judge_id is not None):
        raise ValueError("a team profile needs a division and a team, and no judge")
    if level != "team" and scope.team is not None:
        raise ValueError("only a team profile names a team")
    if (level == "judge") != (scope.judge_id is not None):
        raise ValueError("a judge profile needs a judge")


def profile(con: duckdb.DuckDBPyConnection, period: Period, level: str, scope: Scope,
            config: EvaluationConfig | None = None, peers: tuple[pd.DataFrame, str | None] | None = None) -> Profile:
    """The profile of the unit `scope` names at `level` (check_unit). `peers`: peer_values
    already computed for this period, level, court level and peer_base (the same for every unit
    that shares them)."""
    check_unit(level, scope)
    config = config or load_config()
    table = indicator_table(con, period, scope, config=config)
    rates = meets_rates(table)
    court_level = inventory.court_levels(con).get(scope.court)
    peer_frame, division = peers if peers is not None else peer_values(con, period, level, court_level,
                                                                       peer_base(level, scope))
    table = table.merge(standing(peer_frame, level, scope), on="indicator", how="left")

    def composite_of(column: str) -> float | None:  # the table holds this period's values and last year's
        total = unit_scores(zip(table["indicator"], table[column]), court_level, config)[-1]["score"]
        return None if np.isnan(total) else float(total)
    types, causes = caseload_mix(con, period, scope)
    ages, warnings = pending_picture(con, scope, period.end)
    return Profile(
        level=level, scope=scope, period=period, indicators=table,
        composite=composite_of("value"), composite_prev=composite_of("yoy_value"),
        meets_rate=rates["meets_rate"].iloc[0], meets=int(rates["meets"].iloc[0]), judged=int(rates["judged"].iloc[0]),
        peers=int(peer_frame.drop_duplicates(GROUP_COLUMNS[level]).shape[0]), peer_division=division,
        history=history(con, period, scope), case_types=types, causes=causes,
        ages=ages, warnings=warnings)

