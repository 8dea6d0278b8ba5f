"""Why did it move: which child units moved an indicator between two periods, and how.

For a ratio or mean R = ΣNᵢ ÷ ΣDᵢ over child units i (courts of a district, divisions of a
court, judges of a division), with weights wᵢ = Dᵢ ÷ ΣD and unit values rᵢ = Nᵢ ÷ Dᵢ,
R = Σ wᵢ rᵢ. Between period 0 and period 1 the change splits exactly (shift-share with
midpoint weights) into

    ΔR = Σᵢ  w̄ᵢ Δrᵢ                  rate effect: the unit's own value changed
         + Σᵢ (r̄ᵢ − R̄) Δwᵢ           volume (mix) effect: the unit's share of the base changed

where x̄ is the mean of the two periods. Because ΣΔwᵢ = 0, subtracting R̄ changes no total
but makes a unit whose share grows while its value sits at the average contribute nothing.
A unit absent from one period (Dᵢ = 0) takes its other period's value, which leaves the
identity exact since its weight there is 0. Counts simply add up: the contribution is the
unit's own change. Contributions are in the indicator's units, ×100 for rates (percentage
points).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from .catalogue import BY_ID, Kind
from .engine import GROUP_COLUMNS, Scope, compute
from .periods import Period

CHILD_LEVEL = {"district": "court", "court": "division", "division": "judge"}


def decompose(ind_kind: str, before: pd.DataFrame, after: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
    """before/after: one row per unit with columns unit, numerator, denominator.

    Returns unit, r0, r1, d0, d1, rate_effect, volume_effect, contribution (× scale),
    sorted by the size of the contribution.
    """
    m = before.merge(after, on="unit", how="outer", suffixes=("0", "1")).fillna(
        {"numerator0": 0, "denominator0": 0, "numerator1": 0, "denominator1": 0})
    if ind_kind == "count":
        m["r0"], m["r1"] = m["numerator0"], m["numerator1"]
        m["rate_effect"] = (m["numerator1"] - m["numerator0"]) * scale
        m["volume_effect"] = 0.0
    else:
        mult = 10000 if ind_kind == "per10k" else 1
        d0, d1 = m["denominator0"].sum(), m["denominator1"].sum()
        if d0 == 0 or d1 == 0:
            return pd.DataFrame(columns=["unit", "r0", "r1", "d0", "d1", "rate_effect", "volume_effect", "contribution"])
        r0 = (m["numerator0"] * mult / m["denominator0"]).where(m["denominator0"] > 0)
        r1 = (m["numerator1"] * mult / m["denominator1"]).where(m["denominator1"] > 0)
        m["r0"], m["r1"] = r0, r1
        r0, r1 = r0.fillna(r1).fillna(0), r1.fillna(r0).fillna(0)
        w0, w1 = m["denominator0"] / d0, m["denominator1"] / d1
        total0, total1 = (w0 * r0).sum(), (w1 * r1).sum()
        mean_total = (total0 + total1) / 2
        m["rate_effect"] = (w0 + w1) / 2 * (r1 - r0) * scale
        m["volume_effect"] = ((r0 + r1) / 2 - mean_total) * (w1 - w0) * scale
    m["contribution"] = m["rate_effect"] + m["volume_effect"]
    m = m.rename(columns={"denominator0": "d0", "denominator1": "d1"})
    m = m[["unit", "r0", "r1", "d0", "d1", "rate_effect", "volume_effect", "contribution"]]
    return m.reindex(m["contribution"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def why_moved(con: duckdb.DuckDBPyConnection, indicator_id: str, scope: Scope, period: Period,
              before: Period | None = None, child: str = "court") -> pd.DataFrame:
    """Contributions of each child unit (by = court | division | judge) to the change of an
    indicator from `before` (default: the same period a year earlier) to `period`."""
    return why_moved_each(con, [indicator_id], scope, period, before, child)[indicator_id]


def why_moved_each(con: duckdb.DuckDBPyConnection, indicator_ids: list[str], scope: Scope, period: Period,
                   before: Period | None = None, child: str = "court") -> dict[str, pd.DataFrame]:
    """why_moved of several indicators, each period computed once for all of them."""
    for i in indicator_ids:
        if BY_ID[i].kind is Kind.BALANCE:
            raise ValueError(f"{BY_ID[i].zh} 不可按单位分解 / cannot be split by unit")
    before = before or period.year_ago()
    keys = GROUP_COLUMNS[child]
    computed = []
    for p in (before, period):
        df = compute(con, p, child, scope, list(indicator_ids))
        df["unit"] = df[keys].astype(str).agg("|".join, axis=1)
        computed.append(df)
    out = {}
    for i in indicator_ids:
        ind = BY_ID[i]
        frames = [df[df.indicator == i][["unit", "name", "numerator", "denominator"]].fillna({"denominator": 0})
                  for df in computed]
        names = pd.concat(frames).drop_duplicates("unit").set_index("unit")["name"]
        moved = decompose(ind.kind, frames[0].drop(columns="name"), frames[1].drop(columns="name"),
                          100 if ind.is_rate else 1)
        moved.insert(1, "name", moved["unit"].map(names))
        out[i] = moved
    return out


def furthest_from_range(units: pd.DataFrame, indicator_id: str, bound: float, above: bool) -> pd.DataFrame:
    """Which child units hold the figure outside its range now (units: one row per unit with
    name, value, numerator, denominator for this indicator; bound: the range edge the figure is
    past; above: past the upper edge, else the lower).

    A unit on the far side of the bound pulls the total by (value − bound) × its weight, the
    weight being its share of the denominator; for a count, its own count is its pull and its
    share of the total its weight. In the indicator's units, ×100 for rates (percentage points).
    Units on the near side are left out. Returns name, value, weight, pull, the largest first."""
    ind = BY_ID[indicator_id]
    u = units.dropna(subset=["value"]).copy()
    u["value"] = u["value"].astype(float)
    if ind.kind is Kind.COUNT:
        total = u["value"].sum()
        u["weight"] = u["value"] / total if total else float("nan")
        u["pull"] = u["value"]
        far = u["value"] > 0
    else:
        den = u["denominator"].astype(float)
        u["weight"] = den / den.sum() if den.sum() else float("nan")
        u["pull"] = (u["value"] - bound) * u["weight"] * (100 if ind.is_rate else 1)
        far = u["value"] > bound if above else u["value"] < bound
    u = u[far]
    u = u.reindex(u["pull"].abs().sort_values(ascending=False).index)
    return u[["name", "value", "weight", "pull"]].reset_index(drop=True)
