"""What the pages, the briefing and the big screen ask: small frames, ready to draw and cache."""
from __future__ import annotations

import duckdb
import pandas as pd

from . import inventory, measures, sources
from .catalogue import BY_ID, CATALOGUE, Part
from .engine import GROUP_COLUMNS, Scope, compute
from .evaluation import EvaluationConfig, assess, change, load_config, meets_rate, rank
from .named import with_period
from .periods import Period
from .warnings import dates_as_days


# 同比 and 环比: the period each figure is compared with (None: it has none), as yoy_* / mom_* columns.
OFFSETS = {"yoy": Period.year_ago, "mom": Period.previous}


def indicator_table(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope = Scope(), by: str | None = None,
                    indicators: list[str] | None = None, config: EvaluationConfig | None = None) -> pd.DataFrame:
    """Indicators with 同比 / 环比, the reference range, 达标 status and (when enabled) rank.

    Columns: [group columns, name], indicator, numerator, denominator, value, yoy_value, yoy_change,
    mom_value, mom_change, low, high, status, side, rank. Changes are percentage points for rates
    and relative (0.05 = +5%) otherwise.
    """
    config = config or load_config()
    keys = GROUP_COLUMNS.get(by, []) + (["label"] if by in ("month", "quarter") else [])
    out = compute(con, period, by, scope, indicators)
    for prefix, shift in OFFSETS.items():  # a series by month or quarter compares nothing
        other = shift(period) if by not in ("month", "quarter") else None
        if other is None:
            out[f"{prefix}_value"] = None
            continue
        frame = compute(con, other, by, scope, indicators)
        out = out.merge(frame[keys + ["indicator", "value"]].rename(columns={"value": f"{prefix}_value"}),
                        on=keys + ["indicator"], how="left")
    levels = inventory.court_levels(con)
    scope_level = inventory.scope_level(con, scope.court)
    lows, highs, statuses, sides = [], [], [], []
    changes: dict[str, list] = {prefix: [] for prefix in OFFSETS}
    for r in out.to_dict("records"):
        ind = BY_ID[r["indicator"]]
        level = levels.get(r.get("court_code")) if "court_code" in r else scope_level
        rng = config.range_for(ind.id, level)
        lows.append(rng[0] if rng else None)
        highs.append(rng[1] if rng else None)
        st, side = assess(ind, r["value"], rng)
        statuses.append(st)
        sides.append(side)
        for prefix, found in changes.items():
            found.append(change(ind, r["value"], r.get(f"{prefix}_value")))
    out["low"], out["high"], out["status"], out["side"] = lows, highs, statuses, sides
    for prefix, found in changes.items():
        out[f"{prefix}_change"] = found
    out["rank"] = None
    if config.rankings and by in GROUP_COLUMNS:
        for ind_id, part in out.groupby("indicator"):
            out.loc[part.index, "rank"] = rank(BY_ID[ind_id], list(part["value"]))
    return out


def meets_rates(table: pd.DataFrame) -> pd.DataFrame:
    """达标率 per unit of an indicator_table (evaluation.meets_rate), with how many indicators are
    in range (meets) and how many have both a range and a value (judged)."""
    keys = [c for c in ("court_code", "division", "team", "judge_id", "label") if c in table.columns]
    parts = table.groupby(keys, sort=False, dropna=False) if keys else [((), table)]
    rows = []
    for key, part in parts:
        statuses = [s for s in part["status"] if isinstance(s, str)]
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, key)), "meets_rate": meets_rate(statuses),
                     "meets": statuses.count("meets"), "judged": len(statuses)})
    return pd.DataFrame(rows, columns=keys + ["meets_rate", "meets", "judged"])


CASE_COLUMNS = ["case_no", "court_code", "court_name", "division", "judge_id", "judge_name", "case_type",
                "procedure", "cause", "filed_date", "closed_date", "closing_method", "limit_days", "extended_days",
                "deducted_days", "days", "days_left", "status"]


def cases_behind(con: duckdb.DuckDBPyConnection, period: Period, scope: Scope, indicator_id: str,
                 part: Part | None = None, page: int = 0, page_size: int = 50) -> tuple[pd.DataFrame, int]:
    """The cases behind a figure (one page) and how many there are in all: those of the measure
    the indicator drills to (or of `part`), selected by that measure's own condition."""
    ind = BY_ID[indicator_id]
    measure = ind.drill_measure if part is None else (ind.numerator if Part(part) is Part.NUMERATOR
                                                      else ind.denominator or ind.numerator)
    if measures.BY_NAME[measure].kind is measures.Kind.COURT:  # population lists no cases: its lawsuits do
        measure = ind.numerator
    where, params = scope.where(sources.of(measure))
    cond = measures.case_condition(measure)
    sql = f"""
        WITH s AS (SELECT c.*, coalesce(ct.population > 0, false) AS has_population, ct.court_name
                   FROM cases c LEFT JOIN courts ct ON ct.court_code = c.court_code WHERE {where})
        SELECT s.case_no, s.court_code::VARCHAR AS court_code, s.court_name, s.division, s.judge_id, s.judge_name,
               s.case_type::VARCHAR AS case_type, s.procedure::VARCHAR AS procedure, s.cause, s.filed_date,
               s.closed_date, s.closing_method::VARCHAR AS closing_method, s.limit_days, s.extended_days,
               s.deducted_days, (coalesce(s.closed_date, p_end) - s.filed_date) AS days,
               CASE WHEN {measures.open_on('p_end', 's')}
                    THEN s.limit_days + s.extended_days - ((p_end - s.filed_date) - s.deducted_days) END AS days_left,
               CASE WHEN {measures.open_on('p_end', 's')} THEN 'pending' ELSE 'closed' END AS status,
               count(*) OVER () AS total
        FROM s WHERE {cond}
        ORDER BY s.filed_date, s.case_no
        LIMIT ? OFFSET ?"""
    # the period as parameters: its conditions filter the scan (metrics/named.py)
    df = con.execute(*with_period(sql, params + [page_size, page * page_size], period.start, period.end)).df()
    total = int(df["total"].iloc[0]) if len(df) else 0
    if not len(df) and page:
        total = cases_behind(con, period, scope, indicator_id, part, 0, 1)[1]
    return dates_as_days(df.drop(columns="total")), total


def catalogue_frame(config: EvaluationConfig | None = None, lang: str = "zh") -> pd.DataFrame:
    """The catalogue with ranges, for the definitions page and the briefing."""
    config = config or load_config()
    rows = []
    for i in CATALOGUE:
        rng = config.range_for(i.id)
        rows.append({"id": i.id, "name": i.name(lang), "group": i.group, "unit": i.unit, "direction": i.direction,
                     "formula": i.formula(lang),
                     "low": rng[0] if rng else None, "high": rng[1] if rng else None})
    return pd.DataFrame(rows)
