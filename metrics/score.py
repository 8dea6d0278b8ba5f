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
        parts = []
        for r in part.itertuples(index=False):
            weight = config.weights[r.indicator]
            rng = config.range_for(r.indicator, level)
            s = score(r.value, rng)
            parts.append((weight, s))
            rows.append({**unit, "indicator": r.indicator, "value": r.value,
                         "low": rng[0] if rng else np.nan, "high": rng[1] if rng else np.nan,
                         "weight": weight, "score": np.nan if s is None else s})
        total, weights = composite(parts)
        rows.append({**unit, "indicator": COMPOSITE, "value": np.nan, "low": np.nan, "high": np.nan,
                     "weight": weights, "score": np.nan if total is None else total})
    return pd.DataFrame(rows, columns=unit_cols + COLUMNS)


def composites(table: pd.DataFrame) -> pd.DataFrame:
    """Only the composite rows of a score_table, as [group, name], composite, weight."""
    out = table[table["indicator"] == COMPOSITE].drop(columns=["indicator", "value", "low", "high"])
    return out.rename(columns={"score": "composite"}).reset_index(drop=True)
