"""The written summary of a period, generated from the figures (every number from metrics)."""
from __future__ import annotations

import pandas as pd

from metrics.catalogue import BY_ID, View, in_view
from present import format as fmt
from present.text import tr


def _line(row, lang: str) -> str:
    ind = BY_ID[row["indicator"]]
    text = tr("summary_item", lang, name=ind.name(lang), value=fmt.value(ind, row["value"], lang))
    if not fmt.missing(row.get("yoy_change")):
        text += tr("summary_yoy", lang, change=fmt.change(ind, row["yoy_change"], lang))
    return text


def period_summary(table: pd.DataFrame, scope_name: str, period_text: str, lang: str = "zh") -> str:
    rows = table.set_index("indicator")
    get = lambda i: {**rows.loc[i].to_dict(), "indicator": i}  # noqa: E731
    parts = [_line(get(i), lang) for i in in_view(View.SUMMARY) if i in rows.index]
    short = [BY_ID[i].name(lang) for i, r in rows.iterrows() if r["status"] in ("above", "below") and r["side"] != "better"]
    text = tr("summary_head", lang, period=period_text, scope=scope_name, items=tr("summary_separator", lang).join(parts))
    if short:
        return text + tr("summary_short", lang, n=len(short), names=tr("list_separator", lang).join(short))
    return text + tr("b_all_meet", lang)
