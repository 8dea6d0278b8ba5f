"""The briefing's section 访源治理 (spec v3): the visit indicators of the scope with 同比 and 达标,
the units furthest from their ranges, repeat petitioners counted (never listed or named) and
the visits pending over 60 days. Only when the database holds a visits list; otherwise the
section says there is none.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from metrics import Period, Scope
from metrics.api import indicator_table
from metrics.catalogue import BY_ID, Direction, Kind, View, in_view
from metrics.evaluation import EvaluationConfig
from metrics.explain import furthest_from_range
from metrics.visit_drill import repeat_petitioners
from metrics.visits import OVERDUE_DAYS, has_visits
from present import format as fmt
from present.text import tr

IDS = in_view(View.SOURCE_VISITS)
FAR_PER_INDICATOR = 3  # units named per indicator
FAR_COLUMNS = ("b_col_indicator", "b_v_col_unit", "b_col_value", "b_col_range", "b_v_col_weight", "b_v_col_pull")


@dataclass
class Visits:
    """What the section prints; `listed` False: the database holds no visits list."""
    listed: bool = False
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # the scope's indicator_table rows of IDS
    far: pd.DataFrame = field(default_factory=pd.DataFrame)   # indicator, name, value, low, high, weight, pull
    repeaters: int = 0                                        # petitioners with a repeat visit in the period


def gather(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, child: str, table: pd.DataFrame,
           config: EvaluationConfig) -> Visits:
    """The section's figures; `table` is the scope's indicator table the briefing already holds."""
    if not has_visits(con):
        return Visits()
    rows = table.set_index("indicator").loc[IDS].reset_index()
    ranged = [i for i in IDS if BY_ID[i].direction is not Direction.NONE
              and not fmt.missing(rows.set_index("indicator").loc[i, "low"])]
    by_unit = indicator_table(con, period, scope, child, ranged, config) if ranged else pd.DataFrame()
    far = []
    for ind_id in ranged:
        units = by_unit[by_unit.indicator == ind_id]
        if not len(units):
            continue
        above = BY_ID[ind_id].direction is Direction.LOWER  # the worse side of the range
        low, high = units["low"].iloc[0], units["high"].iloc[0]
        top = furthest_from_range(units, ind_id, high if above else low, above).head(FAR_PER_INDICATOR)
        far.append(top.assign(indicator=ind_id, low=low, high=high))
    far = pd.concat(far, ignore_index=True) if far else pd.DataFrame(
        columns=["indicator", "name", "value", "low", "high", "weight", "pull"])
    return Visits(True, rows, far[["indicator", "name", "value", "low", "high", "weight", "pull"]],
                  repeat_petitioners(con, period, scope))


def _value(rows: pd.DataFrame, ind_id: str, lang: str) -> str:
    return fmt.value(BY_ID[ind_id], rows.set_index("indicator").loc[ind_id, "value"], lang)


def lines(v: Visits, lang: str) -> list[str]:
    """The section's text: no list, or the year's visits, pending, repeat petitioners counted."""
    if not v.listed:
        return [tr("b_no_visits", lang)]
    out = [tr("b_visits_line", lang, received=_value(v.rows, "visits_received", lang),
              per10k=_value(v.rows, "visits_per_10k_closed", lang),
              overdue=_value(v.rows, "visits_overdue", lang), days=OVERDUE_DAYS,
              repeaters=f"{v.repeaters:,}")]
    out.append(tr("b_visits_far" if len(v.far) else "b_visits_none_far", lang))
    return out


def _pull(ind_id: str, pull: float, lang: str) -> str:
    ind = BY_ID[ind_id]
    if ind.is_rate:
        return fmt.signed(pull, 2) + tr("pp", lang)
    return fmt.signed(pull, 0 if ind.kind is Kind.COUNT else 2, grouping=True)


def far_header(lang: str, child: str) -> list[str]:
    return [tr(k, lang, child=tr(f"child_{child}", lang)) for k in FAR_COLUMNS]


def far_rows(v: Visits, lang: str) -> list[list[str]]:
    """The units furthest from each visit indicator's range: value, range, share, pull on the figure."""
    out = []
    for r in v.far.to_dict("records"):
        ind = BY_ID[r["indicator"]]
        val = lambda x: fmt.value(ind, x, lang)  # noqa: E731
        out.append([ind.name(lang), str(r["name"]), val(r["value"]), f"{val(r['low'])} ~ {val(r['high'])}",
                    fmt.percent(r["weight"]), _pull(r["indicator"], r["pull"], lang)])
    return out


def far_sheet(v: Visits, lang: str, child: str) -> tuple[pd.DataFrame, dict]:
    """The same units as an Excel sheet: values as numbers in their indicator's format."""
    header = far_header(lang, child)
    frame = pd.DataFrame({
        header[0]: [BY_ID[i].name(lang) for i in v.far["indicator"]],
        header[1]: v.far["name"].astype(str),
        header[2]: [fmt.excel_value(BY_ID[i], x) for i, x in zip(v.far["indicator"], v.far["value"])],
        tr("col_low", lang): [fmt.excel_value(BY_ID[i], x) for i, x in zip(v.far["indicator"], v.far["low"])],
        tr("col_high", lang): [fmt.excel_value(BY_ID[i], x) for i, x in zip(v.far["indicator"], v.far["high"])],
        header[4]: v.far["weight"].astype(float),
        header[5]: v.far["pull"].astype(float),
    })
    each = [fmt.excel(BY_ID[i], lang) for i in v.far["indicator"]]
    return frame, {header[2]: each, tr("col_low", lang): each, tr("col_high", lang): each, header[4]: "0.00%",
                   header[5]: "+0.00;-0.00;0"}
