"""整改台账: the action items of the scope, by meeting, owner and status (worked out from the data
at every look); per item, the unit's figures and the cases behind them, closing (销号) for the
roles that set items and progress for those that report it; Excel export."""
from __future__ import annotations

import streamlit as st

from followup.model import STATUSES
from followup.values import year_to_date
from present.followup_table import indicator_name, ledger, status_style, status_text, unit_text
from ui import followup_data, followup_form, pages
from ui.drill import case_list
from ui.export import download_xlsx
from ui.i18n import lang, t
from ui.layout import page_context
from ui.plain import md, tm

# values are each unit's year to date of every case: no period, category or 涉企 controls that would change nothing
f, ctx = page_context("actions", with_period=False, with_case_filters=False)
L = lang()
DONE = "fu_done"  # what the last change did, said after the rerun that shows it in the table


def text_form(key: str, label_key: str, button_key: str, done_key: str, item_id: int, write,
              primary: bool = False) -> None:
    """One text and a button that writes it (`write(item_id, text)`): said after the rerun, or
    refused with nothing written."""
    with st.form(key, clear_on_submit=True):
        text = st.text_area(t(label_key), max_chars=500)
        if st.form_submit_button(t(button_key), type="primary" if primary else "secondary"):
            try:
                write(item_id, text)
            except followup_data.REFUSED as e:
                st.error(md(str(e)), icon=":material/block:")
            else:
                st.session_state[DONE] = (done_key, item_id)
                st.rerun()


done = st.session_state.pop(DONE, None)
if done:
    st.success(tm(done[0], id=done[1]), icon=":material/task_alt:")
followup_form.created_notice()
followup_form.open_button("fu_new", "fu_new", court=f.court, district=f.district)

found = followup_data.standings(f.court, f.district)
if not found:
    st.info(t("fu_none"))
    st.stop()

ALL = ""
with st.container(horizontal=True, key="fu_filters"):
    meeting = st.selectbox(t("fu_meeting"), [ALL] + sorted({s.item.meeting for s in found}), key="fu_f_meeting",
                           format_func=lambda m: m or t("all"), width=260)
    owner = st.selectbox(t("fu_owner"), [ALL] + sorted({s.item.owner for s in found if s.item.owner}),
                         key="fu_f_owner", format_func=lambda o: o or t("all"), width=200)
    status = st.selectbox(t("fu_status"), [ALL, *STATUSES], key="fu_f_status",
                          format_func=lambda s: status_text(s, L) if s else t("all"), width=160)
shown = [s for s in found if (not meeting or s.item.meeting == meeting) and (not owner or s.item.owner == owner)
         and (not status or s.status == status)]
if not shown:
    st.info(t("fu_none_matching"))
    st.stop()

counts = {s: sum(x.status == s for x in shown) for s in STATUSES}
st.caption(tm("fu_count", n=len(shown), counts=t("list_separator").join(
    f"{status_text(s, L)} {n}" for s, n in counts.items() if n)))
period = year_to_date(ctx["data_date"])
st.caption(tm("fu_values_note", period=period.describe(L)))
names = followup_data.court_names()
judges = followup_data.judge_names([s.item for s in shown])
table = ledger(shown, names, judges, L)
st.dataframe(table.style.map(status_style(L), subset=[t("fu_status")]), hide_index=True, alt="action items",
             key="fu_table")
download_xlsx(table, "actions", f, ctx, key="dl_actions",
              extra={t("fu_meeting"): meeting or t("all"), t("fu_owner"): owner or t("all"),
                     t("fu_status"): status_text(status, L) if status else t("all")})

# One item: its history, its figures and cases, and what this user may do with it.
by_id = {s.item.id: s for s in shown}
chosen = st.selectbox(t("fu_pick"), list(by_id), key="fu_pick", format_func=lambda i: t(
    "fu_item_label", id=i, name=indicator_name(by_id[i].item.indicator, L), unit=unit_text(by_id[i].item.unit, names, judges, L)))
s = by_id[chosen]
item, unit = s.item, s.item.unit
label = unit_text(unit, names, judges, L)
with st.container(border=True, key="fu_item"):
    st.markdown(tm("fu_item_label", id=item.id, name=indicator_name(item.indicator, L), unit=label)
                + " · " + tm("fu_status") + " " + md(status_text(s.status, L)))
    st.caption(tm("fu_set_line", at=item.created_at.replace("T", " "), user=followup_data.person(item.created_by), text=item.note or "—"))
    for p in item.progress:
        st.caption(tm("fu_history_line", at=p.at.replace("T", " "), user=followup_data.person(p.username), text=p.text))
    if item.closed_at:
        st.caption(tm("fu_closed_line", at=item.closed_at.replace("T", " "), user=followup_data.person(item.closed_by),
                      text=item.close_note or ""))
    with st.container(horizontal=True):
        if st.button(t("fu_open_figures"), key="fu_figures", icon=":material/id_card:"):
            pages.open_profile(unit.level, unit.court, unit.division or (item.owner if unit.judge_id else None),
                               unit.judge_id)
        cases = st.toggle(t("fu_open_cases"), key=f"fu_cases_{item.id}")
    if cases:
        st.subheader(tm("fu_cases_title", unit=label, name=indicator_name(item.indicator, L), period=period.describe(L)))
        q = f.narrow(period=period.label, cumulative=True, court=unit.court, district=unit.with_subordinates,
                     division=unit.division, judge_id=unit.judge_id, category=None, enterprise=False)
        try:
            case_list(q, ctx, item.indicator, label)
        except followup_data.REFUSED as e:
            st.error(md(str(e)), icon=":material/block:")

    writable = item.closed_at is None
    may_close, may_progress = writable and followup_data.may_set(), writable and followup_data.may_progress(item)
    if may_progress:
        text_form(f"fu_progress_{item.id}", "fu_progress_text", "fu_progress", "fu_progress_ok", item.id,
                  followup_data.progress)
    if may_close:
        text_form(f"fu_close_{item.id}", "fu_close_note", "fu_close", "fu_closed_ok", item.id, followup_data.close,
                  primary=True)
    if writable and not (may_close or may_progress):
        st.caption(t("fu_read_only"))
