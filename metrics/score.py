"""The composite score (综合得分, spec v2): each weighted indicator scored against its range, and
the weighted mean of those scores per unit."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from . import inventory
from .catalogue import CATALOGUE
from .engine import GROUP_COLUMNS, Scope, compute
from .evaluation import EvaluationConfig, composite, load_config, score
from .periods import Period

COMPOSITE = "composite"
COLUMNS = ["indicator", "value", "low", "high", "weight", "score"]


def weighted(config: EvaluationConfig) -> list[str]:
    """The indicators the evaluation gives a weight > 0, in catalogue order."""
    return [i.id for i in CATALOGUE if config.weights.get(i.id, 0) > 0]


def unit_scores(values, level: str | None, config: EvaluationConfig) -> list[dict]:
    """One unit's rows of a score_table from its (indicator, value) pairs (weighted indicators
    only), judged at court level `level`: each indicator's row, then the composite row."""
    rows, parts = [], []
    for indicator, value in values:
        weight = config.weights.get(indicator, 0)
        if weight <= 0:
            continue
        rng = config.range_for(indicator, level)
        s = score(value, rng)
        parts.append((weight, s))
        rows.append({"indicator": indicator, "value": value, "low": rng[0] if rng else np.nan,
                     "high": rng[1] if rng else np.nan, "weight": weight, "score": np.nan if s is None else s})
    total, weights = composite(parts)
    rows.append({"indicator": COMPOSITE, "value": np.nan, "low": np.nan, "high": np.nan, "weight": weights,
                 "score": np.nan if total is None else total})
    return rows


def score_table(con: duckdb.DuckDBPyConnection, period: Period, by: str | None = None, scope: Scope = Scope(),
                config: EvaluationConfig | None = None) -> pd.DataFrame:
    """Per unit (group columns and `name`, as `compute` lists them): one row per weighted
    indicator in catalogue order, then a `composite` row whose weight is the sum of the weights
    that entered it and whose score is the composite. Columns: [group, name], indicator, value,
    low, high, weight, score (NaN / None where empty)."""
    config = config or load_config()
    ids = weighted(config)
    group = GROUP_COLUMNS.get(by, [])
    if not ids:
        return pd.DataFrame(columns=group + (["name"] if group else []) + COLUMNS)
    values = compute(con, period, by, scope, ids)
    levels = inventory.court_levels(con)
    whole = inventory.scope_level(con, scope.court)
    unit_cols = group + (["name"] if group else [])
    rows = []
    for _key, part in (values.groupby(group, sort=False) if group else [((), values)]):
        unit = {c: part.iloc[0][c] for c in unit_cols}
        level = levels.get(unit["court_code"]) if group else whole
        rows += [{**unit, **r} for r in unit_scores(zip(part["indicator"], part["value"]), level, config)]
    return pd.DataFrame(rows, columns=unit_cols + COLUMNS)


def composites(table: pd.DataFrame) -> pd.DataFrame:
    """Only the composite rows of a score_table, as [group, name], composite, weight."""
    unit = [c for c in table.columns if c in ("court_code", "division", "judge_id", "team", "name")]
    out = table.loc[table["indicator"] == COMPOSITE, unit + ["score", "weight"]]
    return out.rename(columns={"score": "composite"}).reset_index(drop=True)


def points_lost(table: pd.DataFrame) -> pd.Series:
    """What each scored indicator row costs its unit's composite, in points: weight × (100 −
    score) ÷ the weights that entered. A unit's losses add up to 100 − its composite."""
    rows = table[table["indicator"] != COMPOSITE]
    keys = [c for c in table.columns if c in ("court_code", "division", "judge_id", "team")]
    entered = rows["weight"].where(rows["score"].notna(), 0.0)
    totals = entered.groupby([rows[k] for k in keys]).transform("sum") if keys else entered.sum()
    return (entered * (100 - rows["score"]) / totals).where(rows["score"].notna())


def assessment(con: duckdb.DuckDBPyConnection, period: Period, by: str | None = None, scope: Scope = Scope(),
               config: EvaluationConfig | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, detail) for the 综合评估 page.

    units: one row per unit: [group, name], composite, weight, composite_prev (the same period a
    year earlier), change (points; > 0 进位), and with rankings on rank, rank_prev, rank_change
    (> 0: moved up). detail: the score_table with `lost` (points_lost)."""
    config = config or load_config()
    keys = GROUP_COLUMNS.get(by, [])
    detail = score_table(con, period, by, scope, config)
    detail["lost"] = points_lost(detail).reindex(detail.index)
    units = composites(detail)
    if by == "team":  # the cases with no team ('') are in no team: not a unit to score or rank
        units, detail = units[units["team"] != ""], detail[detail["team"] != ""].reset_index(drop=True)
    before = composites(score_table(con, period.year_ago(), by, scope, config))
    before = before[keys + ["composite"]].rename(columns={"composite": "composite_prev"})
    units = units.merge(before, on=keys, how="left") if keys else units.assign(
        composite_prev=before["composite_prev"].iloc[0] if len(before) else np.nan)
    units["change"] = units["composite"] - units["composite_prev"]
    if config.rankings and keys:
        units["rank"] = units["composite"].rank(ascending=False, method="min")
        units["rank_prev"] = units["composite_prev"].rank(ascending=False, method="min")
        units["rank_change"] = units["rank_prev"] - units["rank"]
    return units.sort_values("composite", ascending=False, na_position="last").reset_index(drop=True), detail
