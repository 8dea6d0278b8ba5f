"""Indicator tables as Excel sheets: numbers stay numbers, each shown in its indicator's unit
by a number format (96.52%, 1,234件, +1.20个百分点), headers in the interface's language."""
from __future__ import annotations

import pandas as pd

from metrics.catalogue import BY_ID
from present import format as fmt
from present.text import tr
from present.theme import status_label


def indicators(table: pd.DataFrame, lang: str = "zh", unit_title: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Rows of an indicator table (metrics.api.indicator_table, with `name` for units) as a sheet:
    [unit,] indicator, value, last year, change, range low and high, 达标; and its formats."""
    rows, formats = [], {}
    for r in table.to_dict("records"):
        ind = BY_ID[r["indicator"]]
        row = {} if unit_title is None else {unit_title: str(r["name"])}
        row.update({
            tr("col_indicator", lang): ind.name(lang),
            tr("col_value", lang): fmt.excel_value(ind, r["value"]),
            tr("col_yoy_value", lang): fmt.excel_value(ind, r.get("yoy_value")),
            tr("col_yoy_change", lang): fmt.excel_change_value(ind, r.get("yoy_change")),
            tr("col_low", lang): fmt.excel_value(ind, r.get("low")),
            tr("col_high", lang): fmt.excel_value(ind, r.get("high")),
            tr("col_status", lang): status_label(r.get("status"), r.get("side"), lang) or "—",
        })
        rows.append(row)
        for key in ("col_value", "col_yoy_value", "col_low", "col_high"):
            formats.setdefault(tr(key, lang), []).append(fmt.excel(ind, lang))
        formats.setdefault(tr("col_yoy_change", lang), []).append(fmt.excel_change(ind, lang))
    return pd.DataFrame(rows), formats


def wide(units: pd.DataFrame, ids: list[str], lang: str, unit_title: str) -> tuple[pd.DataFrame, dict]:
    """Units × indicators (units: name, indicator, value): one column per indicator, in its format."""
    table = units.pivot_table(index="name", columns="indicator", values="value", aggfunc="first", dropna=False,
                              sort=False)
    frame = pd.DataFrame({unit_title: [str(n) for n in table.index]})
    formats = {}
    for i in ids:
        ind = BY_ID[i]
        values = table[i] if i in table.columns else pd.Series([None] * len(table))
        frame[ind.name(lang)] = [fmt.excel_value(ind, v) for v in values]
        formats[ind.name(lang)] = fmt.excel(ind, lang)
    return frame, formats
