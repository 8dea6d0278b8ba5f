"""画像 charts and words, the same on the page and on its one-page export (report/profile_sheet.py)."""
from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.catalogue import BY_ID
from metrics.profile import Profile
from metrics.warnings import kind_name
from present import format as fmt
from present.charts import count_axis
from present.text import level as level_name, tr
from present.theme import MEETS, NO_RANGE, WORSE

LONG_PENDING = {"m12_18", "m18_36", "m36_"}  # the bands 超12个月未结 counts


def standing_frame(p: Profile, lang: str) -> pd.DataFrame:
    """The ranked indicators with a percentile, best first: indicator, name, value_shown, percentile,
    peers, color (blue above the middle of the peers, vermillion below, grey at it)."""
    rows = p.indicators.dropna(subset=["percentile"]).sort_values("percentile", ascending=False)
    return pd.DataFrame({
        "indicator": rows["indicator"], "name": [BY_ID[i].name(lang) for i in rows["indicator"]],
        "value_shown": [fmt.value(BY_ID[i], v, lang) for i, v in zip(rows["indicator"], rows["value"])],
        "percentile": rows["percentile"].round(1), "peers": rows["peers"].astype(int),
        "color": [MEETS if v > 50 else WORSE if v < 50 else NO_RANGE for v in rows["percentile"]]})


def standing_chart(p: Profile, lang: str, width: int = 360, font: int = 12) -> alt.LayerChart:
    """Each ranked indicator's percentile among the peers, as a bar from the middle (50)."""
    frame = standing_frame(p, lang).assign(mid=50.0)
    order = list(frame["name"])
    base = alt.Chart(frame).encode(y=alt.Y("name:N", sort=order, title=None,
                                           axis=alt.Axis(labelLimit=230, labelFontSize=font)))
    bars = base.mark_bar().encode(
        x=alt.X("percentile:Q", scale=alt.Scale(domain=[0, 100]), title=tr("percentile_axis", lang),
                axis=alt.Axis(labelFontSize=font, titleFontSize=font)),
        x2="mid:Q", color=alt.Color("color:N", scale=None),
        tooltip=[alt.Tooltip("name:N", title=tr("indicator", lang)), alt.Tooltip("value_shown:N", title=tr("value", lang)),
                 alt.Tooltip("percentile:Q", title=tr("percentile", lang))])
    labels = base.mark_text(fontSize=font - 1, dx=4, align="left").encode(
        x=alt.value(width + 4), text=alt.Text("percentile:Q", format=".0f"))
    middle = alt.Chart(pd.DataFrame({"x": [50]})).mark_rule(color="#333").encode(x="x:Q")
    return alt.layer(bars, middle, labels).properties(width=width, height=alt.Step(16 if font <= 11 else 20))


def history_frame(p: Profile, lang: str) -> pd.DataFrame:
    """Three years of the key indicators: name (with its unit), label, plot (rates in %), shown."""
    h = p.history.dropna(subset=["value"])
    inds = [BY_ID[i] for i in h["indicator"]]
    return pd.DataFrame({
        "name": [i.name(lang) + (" (%)" if i.is_rate else "") for i in inds], "label": h["label"].astype(str),
        "plot": [v * 100 if i.is_rate else v for i, v in zip(inds, h["value"])],
        "shown": [fmt.value(i, v, lang) for i, v in zip(inds, h["value"])]})


def history_chart(p: Profile, lang: str, columns: int = 4, cell: int = 150, font: int = 12) -> alt.FacetChart:
    """Small multiples: each key indicator over the same period of three years, each on its own scale."""
    frame = history_frame(p, lang)
    order = list(dict.fromkeys(frame["name"]))
    base = alt.Chart(frame).encode(
        x=alt.X("label:N", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=font - 2)),
        y=alt.Y("plot:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(labelFontSize=font - 2, tickCount=4)),
        tooltip=[alt.Tooltip("label:N", title=tr("period", lang)), alt.Tooltip("shown:N", title=tr("value", lang))])
    lines = alt.layer(base.mark_line(color=MEETS), base.mark_point(color=MEETS, filled=True),
                      base.mark_text(dy=-9, fontSize=font - 2).encode(text="shown:N"))
    return lines.properties(width=cell, height=90).facet(
        facet=alt.Facet("name:N", sort=order, title=None, header=alt.Header(labelFontSize=font)),
        columns=columns).resolve_scale(y="independent")


def _bars(frame: pd.DataFrame, label: str, value: str, title: str, lang: str, width: int, font: int,
          color=MEETS) -> alt.Chart:
    order = list(frame[label])
    mark = alt.Chart(frame).mark_bar(color=color) if isinstance(color, str) else alt.Chart(frame).mark_bar()
    return mark.encode(
        y=alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=180, labelFontSize=font)),
        x=alt.X(f"{value}:Q", title=title, axis=count_axis(labelFontSize=font - 1, titleFontSize=font)),
        tooltip=[alt.Tooltip(f"{label}:N", title=tr("unit", lang)), alt.Tooltip(f"{value}:Q", title=title, format=",")],
        **({} if isinstance(color, str) else {"color": color})
    ).properties(width=width, height=alt.Step(16 if font <= 11 else 20))


def types_chart(p: Profile, lang: str, width: int = 260, font: int = 12) -> alt.Chart:
    return _bars(p.case_types.head(10), "case_type", "cases", tr("cases_handled", lang), lang, width, font)


def cause_frame(p: Profile, lang: str) -> pd.DataFrame:
    return p.causes.assign(cause=p.causes["cause"].fillna(tr("other_causes", lang)))


def causes_chart(p: Profile, lang: str, width: int = 260, font: int = 12) -> alt.Chart:
    return _bars(cause_frame(p, lang), "cause", "cases", tr("cases_handled", lang), lang, width, font)


def ages_frame(p: Profile, lang: str) -> pd.DataFrame:
    return p.ages.assign(name=[tr(f"age_{b}", lang) for b in p.ages["band"]],
                         color=[WORSE if b in LONG_PENDING else MEETS for b in p.ages["band"]])


def ages_chart(p: Profile, lang: str, width: int = 260, font: int = 12) -> alt.Chart:
    return _bars(ages_frame(p, lang), "name", "cases", tr("pending_cases", lang), lang, width, font,
                 color=alt.Color("color:N", scale=None))


def warnings_frame(p: Profile, lang: str) -> pd.DataFrame:
    return pd.DataFrame({"name": [kind_name(k, lang) for k in p.warnings], "cases": list(p.warnings.values()),
                         "color": [WORSE if v else NO_RANGE for v in p.warnings.values()]})


def warnings_chart(p: Profile, lang: str, width: int = 260, font: int = 12) -> alt.Chart:
    return _bars(warnings_frame(p, lang), "name", "cases", tr("pending_cases", lang), lang, width, font,
                 color=alt.Color("color:N", scale=None))


def standing_line(row, lang: str) -> str:
    """One strength or weakness in words: 优于同级 82% above the middle, 落后于同级 82% below it
    (the share of peers doing better, ties counting half), never "better than 0%"."""
    behind = row.percentile < 50
    return tr("standing_line_behind" if behind else "standing_line", lang, name=BY_ID[row.indicator].name(lang),
              value=fmt.value(BY_ID[row.indicator], row.value, lang),
              pct=f"{100 - row.percentile if behind else row.percentile:.0f}")


def headline(p: Profile, lang: str) -> list[tuple[str, str]]:
    """(label, value) of the profile's headline figures: composite, change, 达标率."""
    change = "—" if fmt.missing(p.composite) or fmt.missing(p.composite_prev) else f"{p.composite - p.composite_prev:+.1f}"
    return [(tr("composite", lang), "—" if fmt.missing(p.composite) else f"{p.composite:.1f}"),
            (tr("change_vs_last_year", lang), change),
            (tr("meets_rate", lang), f"{fmt.percent(p.meets_rate)} ({p.meets}/{p.judged})"),
            (tr("pending", lang), f"{int(p.ages['cases'].sum()):,}"),
            (tr("over12m_short", lang), f"{int(p.ages.loc[p.ages['band'].isin(LONG_PENDING), 'cases'].sum()):,}")]


def peers_text(p: Profile, lang: str, court_level: str) -> str:
    """Who the unit is compared with: 同级（基层）民一庭 21 个."""
    if p.peers <= 1:
        return tr("peers_none", lang)
    key = f"peers_{p.level}" + ("" if p.level == "court" or p.peer_division else "_any")
    return tr(key, lang, n=p.peers, level=level_name(court_level, lang), division=p.peer_division or "")
