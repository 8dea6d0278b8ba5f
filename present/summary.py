"""The written summary of a period, generated from the figures (every number from metrics)."""
from __future__ import annotations

import pandas as pd

from metrics.catalogue import BY_ID, View, in_view
from present import format as fmt


def _line(row, lang: str) -> str:
    ind = BY_ID[row["indicator"]]
    text = f"{ind.name(lang)}{'' if lang == 'zh' else ' '}{fmt.value(ind, row['value'], lang)}"
    if not fmt.missing(row.get("yoy_change")):
        text += (f"，同比{fmt.change(ind, row['yoy_change'], lang)}" if lang == "zh"
                 else f" ({fmt.change(ind, row['yoy_change'], lang)} on last year)")
    return text


def period_summary(table: pd.DataFrame, scope_name: str, period_text: str, lang: str = "zh") -> str:
    rows = table.set_index("indicator")
    get = lambda i: {**rows.loc[i].to_dict(), "indicator": i}  # noqa: E731
    parts = [_line(get(i), lang) for i in in_view(View.SUMMARY) if i in rows.index]
    short = [BY_ID[i].name(lang) for i, r in rows.iterrows() if r["status"] in ("above", "below") and r["side"] != "better"]
    if lang == "zh":
        text = f"{period_text}，{scope_name}" + "；".join(parts) + "。"
        text += (f"未达到合理区间的指标{len(short)}项：{'、'.join(short)}。" if short else "各项指标均在合理区间内。")
    else:
        text = f"{period_text}, {scope_name}: " + "; ".join(parts) + ". "
        text += (f"{len(short)} indicators fall short of their range: {', '.join(short)}." if short
                 else "Every indicator is within its range.")
    return text
