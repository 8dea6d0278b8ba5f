"""画像: one court, division, trial team or judge for the year-end file — composite and 达标率, where it stands
among its peers (percentiles), three years of key indicators, caseload mix, pending ages and
warnings — with a one-page PNG or PDF export. A judge sees their own; a division head their
division, its teams and its judges; leaders the units of their courts (metrics/access.py check_profile)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.catalogue import BY_ID
from present import format as fmt, profile as pp, text
from present.theme import status_label
from report import profile_sheet
from ui import followup_form, followup_views, queries, vega
from ui.export import download_xlsx, filters_of, logged_download
from ui.i18n import label_of, lang, t
from ui.layout import page_context
from ui.plain import md, tm
from ui.session import current_access, current_user
from ui.tables import show
from ui.url_state import url_widget

f, ctx = page_context("profile", with_district=False)
L = lang()
access = current_access()

level = url_widget(st.segmented_control, t("profile_level"), list(access.profile_levels), "plevel",
                   required=True, format_func=label_of("profile_"))
division = judge = team = None
with st.container(horizontal=True):
    if level != "court":
        division = access.fixed_division
        if division is None:
            options = queries.divisions(f.court)
            division = url_widget(st.selectbox, t("division"), options, "division", width=200) if options else None
        if division is None:
            st.info(t("no_data"))
            st.stop()
    if level == "judge":
        people = queries.judges(f.narrow(district=False, division=division))
        if people.empty:
            st.info(t("no_judges"))
            st.stop()
        names = dict(zip(people["judge_id"], people["judge_name"]))
        judge = url_widget(st.selectbox, t("judge"), list(names), "judge", width=200,
                           format_func=lambda j, now=L: text.tr("name_with_id", now, name=names.get(j, j), id=j))
    if level == "team":  # the teams of the division (a case with no team is in none)
        teams = queries.teams(f.narrow(district=False, division=division))
        if not teams:
            st.info(t("no_teams"))
            st.stop()
        team = url_widget(st.selectbox, t("team"), teams, "team", width=240)

q = f.narrow(district=False, division=division, judge_id=judge, team=team)
p = queries.profile(q, level)
court = queries.courts().set_index("court_code").loc[f.court]
unit = " ".join(x for x in (court["court_name"], division if level not in ("court", "team") else None,
                            team, names.get(judge) if level == "judge" else None) if x)
st.header(tm("profile_of", unit=unit), anchor="unit")
court_level = court["level"]
st.caption(md(f"{f.period_obj.describe(L)} · {pp.peers_text(p, L, court_level)}"))

with st.container(horizontal=True):
    for label, value in pp.headline(p, L):
        st.metric(md(label), value, border=True)

left, right = st.columns([3, 2])
with left:
    st.subheader(t("standing_title"))
    if p.indicators["percentile"].notna().any():
        vega.altair(pp.standing_chart(p, L, width=380), alt=t("standing_title"))
    else:
        st.info(t("no_data"))
    st.caption(t("standing_caption"))
with right:
    for key, rows in (("strengths", p.strengths()), ("weaknesses", p.weaknesses())):
        st.subheader(t(key))
        for r in rows.itertuples():  # plain text: a coloured span would read like styling smuggled in by data
            st.markdown(tm("list_item", line=pp.standing_line(r, L)))
        if rows.empty:
            st.markdown(t("none_listed"))
    if level != "team":  # action items are kept per court, division and judge
        followup_form.shortfall_buttons(list(p.weaknesses()["indicator"]), "profile", court=f.court,
                                        division=division if level != "court" else None, judge_id=judge)

if level != "team":
    followup_views.unit_items(q, key="profile_items")

st.subheader(t("history_title"))
vega.altair(pp.history_chart(p, L, columns=4, cell=170), alt=t("history_title"))

for pair in ((("case_types_title", pp.types_chart), ("causes_title", pp.causes_chart)),
             (("ages_title", pp.ages_chart), ("warnings_title", pp.warnings_chart))):
    for column, (title, chart) in zip(st.columns(2), pair):
        with column:
            st.subheader(t(title))
            vega.altair(chart(p, L, width=300), alt=t(title))

st.subheader(t("profile_table"))
rows = p.indicators
table = pd.DataFrame({
    t("indicator"): [BY_ID[i].name(L) for i in rows["indicator"]],
    t("value"): [fmt.value(BY_ID[i], v, L) for i, v in zip(rows["indicator"], rows["value"])],
    t("col_yoy_change"): [fmt.change(BY_ID[i], c, L) for i, c in zip(rows["indicator"], rows["yoy_change"])],
    t("col_low"): [fmt.value(BY_ID[i], v, L) for i, v in zip(rows["indicator"], rows["low"])],
    t("col_high"): [fmt.value(BY_ID[i], v, L) for i, v in zip(rows["indicator"], rows["high"])],
    t("status"): [status_label(s, d, L) or "—" for s, d in zip(rows["status"], rows["side"])],
    t("percentile"): rows["percentile"].round(0)})
show(table, alt="profile")

# The one-page file: drawn only when downloaded (a page takes a few seconds to render).
filters = filters_of(q, ctx, {t("profile_level"): t(f"profile_{level}")})
subtitle = t("profile_sub", period=f.period_obj.describe(L),
             filters=" · ".join(f"{k} {v}" for k, v in filters.items() if k not in (t("period"), t("data_date"))),
             date=str(ctx["data_date"]))
title = t("profile_of", unit=unit)  # drawn as text in the file, not read as Markdown
user = current_user()
base_name = (f"profile_{level}_{f.court}{'_' + division if division and level != 'court' else ''}"
             f"{'_' + team if team else ''}{'_' + judge if judge else ''}_{f.period}")
with st.container(horizontal=True):
    for kind, mime in (("png", "image/png"), ("pdf", "application/pdf")):
        make = (lambda kind=kind: (profile_sheet.to_png if kind == "png" else profile_sheet.to_pdf)(
            profile_sheet.sheet(p, title, subtitle, L)))
        st.download_button(t(f"export_{kind}"), logged_download(user.username if user else "?", f"{base_name}.{kind}",
                                                                filters, make),
                           file_name=f"{base_name}.{kind}", mime=mime, key=f"dl_profile_{kind}",
                           icon=":material/download:", on_click="ignore")
    download_xlsx(table, f"profile_{level}", q, ctx, key="dl_profile_xlsx",
                  extra={t("profile_level"): t(f"profile_{level}")})
