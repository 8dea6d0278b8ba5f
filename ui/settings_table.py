"""评价设置's table: the evaluation settings as one row per indicator, and back.

The browser sends back the edited table's state, and a crafted message can delete rows or edit
the hidden `id` column although the editor offers neither: the rows read back must be the rows
sent (same ids and names, same order), else nothing is read. Weights and range bounds are held to
metrics/evaluation.py's limits, the same the evaluation file and `metrics score` are held to.
"""
from __future__ import annotations

import pandas as pd

from metrics.catalogue import CATALOGUE
from metrics.evaluation import (RANGE_LEVELS, WEIGHT_MAX, EvaluationConfig, range_bounds, range_problem,
                                weight_problem)
from present.format import missing

LEVEL_KEYS = dict(zip(RANGE_LEVELS, ("default", "high", "intermediate", "basic")))  # column ids stay ASCII
RANGE_COLUMNS = [(f"{LEVEL_KEYS[lv]}_{end}", lv, k) for lv in RANGE_LEVELS for k, end in ((0, "low"), (1, "high"))]
NUMBERS = ["weight"] + [c for c, _lv, _k in RANGE_COLUMNS]
FIXED = ["id", "name"]  # what no edit may change


def frame(config: EvaluationConfig, lang: str) -> pd.DataFrame:
    """The table the page shows: id (hidden), name, weight, each level's low and high."""
    rows = []
    for i in CATALOGUE:
        row = {"id": i.id, "name": i.name(lang), "weight": config.weights.get(i.id)}
        for col, lv, k in RANGE_COLUMNS:
            pair = config.ranges.get(i.id, {}).get(lv)
            row[col] = pair[k] if pair else None
        rows.append(row)
    table = pd.DataFrame(rows)
    table[NUMBERS] = table[NUMBERS].astype(float)  # a blank cell is NaN, shown empty
    return table


def read(original: pd.DataFrame, edited: pd.DataFrame, rankings: bool
         ) -> tuple[EvaluationConfig | None, list[tuple[str, dict]]]:
    """The settings the edited table describes, or the problems (text key and values; `level` as
    a key of LEVEL_KEYS' values, for the page to name), each naming the indicator and the cell."""
    if list(edited.columns) != list(original.columns) or any(
            edited[c].tolist() != original[c].tolist() for c in FIXED):
        return None, [("settings_rows_changed", {})]
    problems, weights, ranges = [], {}, {}
    for r in edited.to_dict("records"):
        name, w = r["name"], r["weight"]
        if not missing(w):
            if weight_problem(w):
                problems.append(("bad_weight", dict(name=name, value=w, high=f"{WEIGHT_MAX:g}")))
            elif w > 0:
                weights[r["id"]] = float(w)
        for lv in RANGE_LEVELS:
            low, high = r[f"{LEVEL_KEYS[lv]}_low"], r[f"{LEVEL_KEYS[lv]}_high"]
            level = LEVEL_KEYS[lv]
            if missing(low) and missing(high):
                continue
            if missing(low) or missing(high):
                problems.append(("bad_range_half", dict(name=name, level=level)))
            elif not range_problem(r["id"], low, high):
                ranges.setdefault(r["id"], {})[lv] = (float(low), float(high))
            elif _numbers(low, high) and low > high:
                problems.append(("bad_range_order", dict(name=name, level=level, low=low, high=high)))
            else:
                lo, hi = range_bounds(r["id"])
                problems.append(("bad_range_bounds", dict(name=name, level=level, low=low, high=high,
                                                          lo=f"{lo:g}", hi=f"{hi:g}", fraction=hi == 1.0)))
    if problems:
        return None, problems
    return EvaluationConfig(ranges=ranges, rankings=rankings, illustrative=False, weights=weights), []


def _numbers(*values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
