"""对比分析: units side by side — ranked bars with the range band and the average, a heat map
of units × indicators by 达标, "why did it move", and drill-down court → division → judge → cases
(a trial team → its judges and its cases)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import CATALOGUE
from metrics.api import meets_rates
from metrics.catalogue import BY_ID
from metrics.evaluation import load_config
from present import charts, format as fmt, sheets
from present.theme import falls_short, status_color
from ui import damaged, drill_path, followup_form, followup_views, pages, queries, style, vega
from ui.drill import case_list
from ui.drill_path import View
from ui.export import download_xlsx
from ui.i18n import label_of, lang, t
from ui.plain import tm
from ui.layout import page_context
from ui.session import current_access
from ui.url_state import url_widget


@damaged.fragment
def scope_cases(q, ctx: dict, indicator: str) -> None:
    """The scope's cases behind the figure, listed only while their section is open. A fragment:
    opening it, paging and filtering rerun this section alone, not the page's charts above it."""
    if current_access() != q.viewer:  # signed out meanwhile, or their rights changed: the whole page decides again
        st.rerun(scope="app")
    cases = st.expander(t("scope_visits" if BY_ID[indicator].needs_visits else "scope_cases"), on_change="rerun",
                        key="cases_open")
    if cases.open:
        with cases:
            case_list(q, ctx, indicator)


f, ctx = page_context("compare")
L = lang()
config = load_config()

access = current_access()
levels = list(access.rule.compare_levels)
level = url_widget(st.segmented_control, t("compare_level"), levels, "level", required=True,
                   format_func=label_of("level_"))
division = access.fixed_division
if level == "judge" and division is None:
    options = queries.divisions(f.court)
    division = url_widget(st.selectbox, t("division"), options, "division") if options else None
ids = [i.id for i in CATALOGUE]
chosen = url_widget(st.selectbox, t("indicator"), ids, "ind", format_func=lambda i: BY_ID[i].name(L))
ind = BY_ID[chosen]

# Teams are compared across the scope's courts (a head's: their division's teams).
district = f.district if level in ("court", "team") else False
scope_q = f.narrow(district=district, division=division if level in ("judge", "team") else None)
table = queries.table(scope_q, level)
unit_cols = {"court": ["court_code"], "division": ["court_code", "division"], "team": ["court_code", "team"],
             "judge": ["court_code", "judge_id"]}[level]
if level == "team":  # a case with no team is in no team
    table = table[table["team"] != ""].reset_index(drop=True)
if table.empty:
    st.info(t("no_data"))
    st.stop()

# A unit's label is its name; two units with one name (two judges 张伟) get their id added,
# two teams of one name (民一庭第一团队 of two courts) their court's name.
table = table.assign(unit=table["name"].astype(str))
court_names = queries.court_lookup().names
tags = table["court_code"].map(court_names).fillna(table["court_code"]) if level == "team" else table[unit_cols[-1]]
same_name = table.drop_duplicates(unit_cols).duplicated("unit", keep=False)
twins = set(table.drop_duplicates(unit_cols)[same_name]["unit"])
twin = table["unit"].isin(twins)
table.loc[twin, "unit"] = [t("name_with_id", name=u, id=k) for u, k in zip(table.loc[twin, "unit"], tags[twin])]
one = table[table.indicator == chosen].copy()
one["color"] = [status_color(s, d) for s, d in zip(one["status"], one["side"])]
one["shown"] = [fmt.value(ind, v, L) for v in one["value"]]
# notes (批注) on each unit's figure, in its tooltip (notes are on courts, divisions and judges, not teams)
one["note"] = followup_views.unit_notes(f, chosen, one) if level != "team" else ""
one = one.sort_values("value", ascending=ind.direction == "lower", na_position="last")
# The reference line: the level's whole scope for rates and means, the mean per unit for counts.
overall = queries.table(scope_q)
avg = one["value"].mean() if ind.kind == "count" else overall.set_index("indicator").loc[chosen, "value"]

st.subheader(tm("ranked_title", name=ind.name(L), period=f.period_obj.describe(L)))
scale = 100 if ind.is_rate else 1
one["plot"] = one["value"].astype(float) * scale
first = one.dropna(subset=["low"])
low, high = (first["low"].iloc[0] * scale, first["high"].iloc[0] * scale) if len(first) else (None, None)
bars = dict(value_title=f"{ind.name(L)}{' (%)' if ind.is_rate else ''}", unit_title=t(f"child_{level}"),
            value_title_short=t("value"), low=low, high=high,
            reference=None if fmt.missing(avg) else avg * scale, zoom=ind.kind != "count", most=100 if ind.unit == "%" else None,
            selection="unit", grow=True, note_title=t("fu_annotation") if one["note"].any() else None)


def _open_unit(chart_key: str, rows: dict, level: str) -> None:
    """A click on a court or division bar opens the same view one level down (runs before the rerun,
    so it may set the filter widgets), one step further along the drill-down's path."""
    picked = (st.session_state[chart_key].selection.get("unit") or [{}])[0].get("unit")
    if picked not in rows or level in ("judge", "team"):
        return
    court, unit_division = rows[picked]
    before = View.of(f.court, f.district, level, division)
    drill_path.open_view(before, View.of(court, False, "division" if level == "court" else "judge", unit_division))


unit_rows = {u: (c, d) for u, c, d in zip(one["unit"], one["court_code"], one.get("division", one["court_code"]))}
event = vega.draw(charts.ranked(one[["unit", "plot", "color", "shown", "note"]], **bars), alt=ind.name(L),
                  key=f"bars_{level}", on_select=lambda: _open_unit(f"bars_{level}", unit_rows, level))
dots = charts.ranked_as_dots(one["plot"], low, None if fmt.missing(avg) else avg * scale, ind.kind != "count",
                             100 if ind.unit == "%" else None)
st.caption(t("compare_caption") + t("compare_click_dots" if dots else "compare_click_bars"))
if level == "team":
    st.caption(t("teams_blank_left_out"))
# 设为整改事项: each unit falling short of the chosen indicator, in one click (items are not kept per team).
short_units = one[[falls_short(s, d) for s, d in zip(one["status"], one["side"])]] if level != "team" else one.head(0)
followup_form.unit_buttons(chosen, [(r["unit"], {
    "court": r["court_code"], "district": district, "judge_id": r.get("judge_id"),
    "division": r.get("division") if level == "division" else division if level == "judge" else None})
    for _, r in short_units.iterrows()], f"compare_{level}")
if config.rankings:
    st.dataframe(one[["unit", "shown", "rank"]].rename(columns={"unit": t(f"child_{level}"), "shown": t("value"), "rank": t("rank")}),
                 hide_index=True, alt="rank")

# Heat map of units × indicators, coloured by 达标.
st.subheader(t("heat_map"))
judged = table[table["low"].notna() & table["value"].notna()].copy()
judged["ind_name"] = judged["indicator"].map(lambda i: BY_ID[i].name(L))
judged["color"] = [status_color(s, d) for s, d in zip(judged["status"], judged["side"])]
judged["shown"] = [fmt.value(BY_ID[i], v, L) for i, v in zip(judged["indicator"], judged["value"])]
# A click on a court's or division's row opens it, as on the ranking.
opens = level not in ("judge", "team")
heat = charts.heat_map(judged[["ind_name", "unit", "color", "shown"]], x="ind_name",
                  x_order=[BY_ID[i].name(L) for i in ids], y="unit", y_order=list(one["unit"]),
                  tooltip=[("unit:N", t(f"child_{level}")), ("ind_name:N", t("indicator")), ("shown:N", t("value"))],
                  grow=True, selection="unit" if opens else None)
style.wide_chart("heat", heat, charts.heat_map_width(len(ids)), t("wide_hint"), alt="heat map", key=f"heat_{level}",
                 **({"on_select": lambda: _open_unit(f"heat_{level}", unit_rows, level)} if opens else {}))
if opens:
    st.caption(t("heat_map_drill"))

# 达标率 of each unit: in range ÷ with a range and a value, in the order of the bars.
rates = meets_rates(table).merge(table.drop_duplicates(unit_cols)[unit_cols + ["unit"]], on=unit_cols)
rates = rates.set_index("unit").reindex(list(one["unit"])).reset_index()
# A row picked here opens that unit's 画像 (a judge only their own).
st.caption(t("open_profile_hint"))
picked = st.dataframe(pd.DataFrame({t(f"child_{level}"): rates["unit"], t("meets_rate"): rates["meets_rate"].map(fmt.percent),
                                    t("meets_count"): [f"{m}/{j}" for m, j in zip(rates["meets"], rates["judged"])]}),
                      hide_index=True, alt="meets rate", width="content", on_select="rerun",
                      selection_mode="single-row", key="meets_rows")
for i in picked.selection.rows:
    unit_row = rates.iloc[i]
    pages.open_profile(level, unit_row["court_code"], unit_row.get("division") if level == "division" else division,
                       unit_row.get("judge_id"), unit_row.get("team"))

def _export() -> tuple[pd.DataFrame, dict]:
    """The table as a sheet, made only when it is downloaded."""
    export, formats = sheets.indicators(table.assign(name=table["unit"]), L, t(f"child_{level}"))
    export[t("meets_rate")] = list(table.merge(rates[unit_cols + ["meets_rate"]], on=unit_cols, how="left")["meets_rate"])
    formats[t("meets_rate")] = "0.00%"
    return export, formats


download_xlsx(_export, f"compare_{level}", f, ctx, key="dl_compare", extra={t("compare_level"): t(f"level_{level}")})

# Why did it move: computed only while its section is open.
why = st.expander(t("why_moved"), on_change="rerun", key="why_open") if ind.kind != "balance" else None
if why is not None and why.open:
    with why:
        moved = queries.moved(scope_q, chosen, level)
        if level == "team":  # "court|team": named as on the bars (twins with their court)
            labels = dict(zip(table["court_code"] + "|" + table["team"], table["unit"]))
            moved = moved.assign(name=moved["unit"].map(labels).fillna(moved["name"]))
        if moved.empty:
            st.info(t("no_data"))
        else:
            shown = moved.head(10).assign(
                contribution=moved["contribution"].round(3), rate_effect=moved["rate_effect"].round(3),
                volume_effect=moved["volume_effect"].round(3))
            st.dataframe(shown[["name", "contribution", "rate_effect", "volume_effect"]].rename(columns={
                "name": t("unit"), "contribution": t("contribution_pp" if ind.is_rate else "contribution"),
                "rate_effect": t("own_change"), "volume_effect": t("volume_shift")}), hide_index=True, alt="why")

# Drill-down: a click on a court opens its divisions, on a division its judges, on a judge the cases.
clicked = (event.selection.get("unit") or [{}])[0].get("unit") if event and event.selection else None
if clicked not in set(one["unit"]):  # a selection the chart could not have sent
    clicked = None
if clicked and level == "team":  # a team's judges on the chosen indicator, then its cases
    row = one[one["unit"] == clicked].iloc[0]
    team_q = scope_q.narrow(court=row["court_code"], district=False, team=row["team"])
    members = queries.table(team_q, "judge", (chosen,))
    st.subheader(tm("team_judges", team=clicked, name=ind.name(L)))
    members = members.sort_values("value", ascending=ind.direction == "lower", na_position="last")
    st.dataframe(pd.DataFrame({t("child_judge"): members["name"].astype(str),
                               t("value"): [fmt.value(ind, v, L) for v in members["value"]]}),
                 hide_index=True, alt="team judges", width="content")
    st.subheader(tm("visits_behind" if ind.needs_visits else "cases_behind", unit=clicked, name=ind.name(L)))
    case_list(team_q, ctx, chosen, clicked)
elif clicked and level == "judge":
    row = one[one["unit"] == clicked].iloc[0]
    st.subheader(tm("cases_behind", unit=clicked, name=ind.name(L)))
    if access.rule.own_cases_only and row.get("judge_id") != access.judge_id:
        st.info(t("own_cases_only"))
    else:
        case_list(scope_q.narrow(court=row["court_code"], district=False, judge_id=row["judge_id"]), ctx, chosen, clicked)
elif not access.rule.own_cases_only:
    scope_cases(scope_q, ctx, chosen)
