"""综合评估: every court, division, trial team or judge in the user's scope scored on the weighted indicators
(metrics/score.py) — the composites ranked, their distribution, where the points were lost, and
进位 / 退位 against the same period last year (ranks only when rankings are switched on)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import ownership
from metrics.catalogue import BY_ID
from metrics.evaluation import load_config
from metrics.score import COMPOSITE
from present import charts, format as fmt
from present.theme import MEETS, NO_RANGE, WORSE
from ui import pages, queries, vega
from ui.export import download_xlsx
from ui.i18n import label_of, lang, t
from ui.layout import page_context
from ui.plain import tm
from ui.session import current_access
from ui.tables import show
from ui.url_state import url_widget


def scope_divisions(f) -> list[str]:
    """The division names of the chosen court, and with its district of every court below it."""
    courts = queries.courts()
    codes, level = [f.court], [f.court]
    while f.district and level:
        level = list(courts.loc[courts["parent_code"].isin(level), "court_code"])
        codes += level
    return sorted({d for c in codes for d in queries.divisions(c)})


f, ctx = page_context("assessment")
L = lang()
config = load_config()
access = current_access()
if config.illustrative:
    st.info(t("weights_illustrative"), icon=":material/info:")
pages.link("evaluation_settings")
if not config.weights:
    st.warning(t("no_weights"))
    st.stop()

level = url_widget(st.segmented_control, t("compare_level"), list(access.rule.compare_levels), "level",
                   required=True, format_func=label_of("level_"))
division = access.fixed_division
if level == "judge" and division is None:  # judges of one division, or of every division ("")
    division = url_widget(st.selectbox, t("division"), [""] + scope_divisions(f), "division", width=200,
                          format_func=lambda d: d or t("all_divisions")) or None
units, detail = queries.assessment(f.narrow(division=division) if level in ("judge", "team") else f, level)
if units.empty:
    st.info(t("no_data"))
    st.stop()
if level == "team":
    st.caption(t("teams_blank_left_out"))
keys = {"court": ["court_code"], "division": ["court_code", "division"], "team": ["court_code", "team"],
        "judge": ["court_code", "judge_id"]}[level]
courts = queries.courts().set_index("court_code")["court_name"]
# a division or a judge is named with its court when the scope holds several courts
several = units["court_code"].nunique() > 1
units["unit"] = (units["name"].astype(str) if level == "court" or not several
                 else units["court_code"].map(courts).fillna(units["court_code"]) + " " + units["name"].astype(str))
units["unit"] = units["unit"].where(~units["unit"].duplicated(keep=False), units["unit"] + " · " + units[keys[-1]])

scored = units.dropna(subset=["composite"])
moved_up, moved_down = int((units["change"] > 0).sum()), int((units["change"] < 0).sum())
with st.container(horizontal=True):
    st.metric(t("units_scored"), f"{len(scored)}/{len(units)}", border=True)
    st.metric(t("composite_mean"), f"{scored['composite'].mean():.1f}" if len(scored) else "—", border=True)
    st.metric(t("moved_up"), str(moved_up), border=True)
    st.metric(t("moved_down"), str(moved_down), border=True)

st.subheader(tm("composite_title", period=f.period_obj.describe(L)))
units["shown"] = units["composite"].map(lambda v: "—" if fmt.missing(v) else f"{v:.1f}")
units["change_shown"] = units["change"].map(lambda v: "—" if fmt.missing(v) else f"{v:+.1f}")
units["color"] = units["change"].map(lambda v: NO_RANGE if fmt.missing(v) or v == 0 else (MEETS if v > 0 else WORSE))
ranked = units.dropna(subset=["composite"])
if len(ranked) <= 60:
    vega.draw(charts.composite_bars(ranked[["unit", "composite", "color", "shown", "change_shown"]],
                                    unit_title=t(f"child_{level}"), composite_title=t("composite"),
                                    change_title=t("change_vs_last_year")), alt=t("composite"))
    st.caption(t("composite_caption"))

st.subheader(t("composite_distribution"))
vega.draw(charts.composite_histogram(ranked[["composite"]], composite_title=t("composite"),
                                     units_title=t(f"units_{level}")), alt=t("composite_distribution"))

st.subheader(t("points_lost"))
rows = detail[detail["indicator"] != COMPOSITE].copy()
rows["ind_name"] = rows["indicator"].map(lambda i: BY_ID[i].name(L))
lost = rows.groupby("ind_name", sort=False)["lost"].mean().dropna().reset_index()
lost = lost[lost["lost"] > 0].sort_values("lost", ascending=False)
if lost.empty:
    st.success(t("no_points_lost"))
else:
    vega.draw(charts.points_lost(lost[["ind_name", "lost"]], indicator_title=t("indicator"),
                                 lost_title=t("points_lost_mean")), alt=t("points_lost"))

# The table: each unit's composite and change, then each weighted indicator's score.
wide = rows.pivot_table(index=keys, columns="indicator", values="score", aggfunc="first")
order = [i for i in dict.fromkeys(rows["indicator"]) if i in wide.columns]
table = units.merge(wide[order].reset_index(), on=keys, how="left")
shown = pd.DataFrame({t(f"child_{level}"): table["unit"], t("composite"): table["composite"].round(1),
                      t("change_vs_last_year"): table["change"].round(1)})
if config.rankings and "rank" in table:
    shown[t("rank")] = table["rank"]
    shown[t("rank_change")] = table["rank_change"]
# 对口认领: each unit's indicators that lost points, most first, with the division that owns each there.
owned = ownership.load()
losing = rows[rows["lost"] > 0].sort_values("lost", ascending=False)
lost_owned = {key: t("list_separator").join(
    n + (t("owned_suffix", owner=owned.owner(i, c)) if owned.owner(i, c) else "")
    for i, n, c in zip(part["indicator"], part["ind_name"], part["court_code"]))
    for key, part in losing.groupby(keys if len(keys) > 1 else keys[0], sort=False)}
shown[t("lost_owned")] = [lost_owned.get(tuple(k) if len(keys) > 1 else k[0], "") for k in table[keys].itertuples(index=False)]
for i in order:
    shown[BY_ID[i].name(L)] = table[i].round(1)
st.caption(t("score_table_caption") + " " + t("open_profile_hint"))
picked = show(shown, alt="scores", on_select="rerun", selection_mode="single-row", key="score_rows",
              column_config={t("composite"): st.column_config.ProgressColumn(t("composite"), min_value=0,
                                                                             max_value=100, format="%.1f")})
for i in picked.selection.rows:  # a row opens that unit's 画像 (a judge only their own)
    unit_row = table.iloc[i]
    unit_division = unit_row.get("division")
    pages.open_profile(level, unit_row["court_code"], unit_division if pd.notna(unit_division) else division,
                       unit_row.get("judge_id"), unit_row.get("team"))
download_xlsx(shown, f"assessment_{level}", f, ctx, key="dl_assessment",
              extra={t("compare_level"): t(f"level_{level}")})
