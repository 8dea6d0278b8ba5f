"""整改台账: the action items the data meetings set for the scope — by meeting, owner and status,
judged against the data at every look — with progress, closing, the unit's figures and the cases
behind them one click away, and the ledger as Excel. Who may set, close, report on or only read
an item is decided in metrics/access.py and checked again where the item is written."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from followup.actions import ActionError
from followup.model import STATUSES, Unit
from followup.text import TextError
from metrics.access import AccessDenied
from metrics.catalogue import CATALOGUE
from ui import queries
from ui.drill import case_list
from ui.export import download_xlsx
from ui.i18n import lang, t
from ui.layout import page_context
from ui.pages import open_profile
from ui.plain import md, tm
from ui.session import current_access, current_user
from ui.tables import show

REFUSED = (ActionError, TextError, AccessDenied)
f, ctx = page_context("actions", with_period=False)
L = lang()
access, user = current_access(), current_user()
COLUMNS = ("id", "meeting", "indicator", "unit", "target", "due", "owner", "then", "now", "status", "progress")


@st.dialog(t("act_new"), width="large")
def new_item() -> None:
    """An item set by hand: the unit within the page's court, the target, the deadline, the owner."""
    indicator = st.selectbox(t("b_fu_col_indicator"), [i.id for i in CATALOGUE],
                             format_func=lambda i: next(x.name(L) for x in CATALOGUE if x.id == i))
    levels = ["court", "district", "division", "judge"]
    level = st.segmented_control(t("act_level"), levels, default="court", required=True,
                                 format_func=lambda v: t(f"act_level_{v}"))
    division = judge = None
    if level in ("division", "judge"):
        division = st.selectbox(t("division"), queries.divisions(f.court))
    if level == "judge" and division:
        people = queries.judges(f.narrow(district=False, division=division))
        names = dict(zip(people["judge_id"], people["judge_name"]))
        judge = st.selectbox(t("judge"), list(names), format_func=lambda j: f"{names.get(j, j)} ({j})")
    unit = Unit(f.court, level == "district", division if level == "division" else None, judge)
    kind = st.segmented_control(t("act_target_kind"), ["range", "value"], default="range", required=True,
                                format_func=lambda v: t(f"act_target_{v}"))
    number = st.number_input(t("act_target_number"), value=0.0, format="%.4f") if kind == "value" else None
    due = st.date_input(t("act_due"), value=dt.date(dt.date.today().year, 12, 31), min_value=dt.date.today())
    owners = queries.divisions(f.court)
    proposed = queries.proposed_owner(indicator, unit)
    owner = st.selectbox(t("act_owner"), owners, index=owners.index(proposed) if proposed in owners else None)
    existing = queries.meeting_names()
    other = t("act_meeting_other")
    meeting = st.selectbox(t("act_meeting"), existing + [other])
    if meeting == other:
        meeting = st.text_input(t("act_meeting_new"), max_chars=100)
    note = st.text_input(t("act_note"), max_chars=500)
    if st.button(t("act_create"), type="primary"):
        try:
            new_id = queries.add_action(f, user.username, meeting=meeting, indicator=indicator, unit=unit,
                                        target="range" if kind == "range" else repr(number), due=due, owner=owner,
                                        note=note)
        except REFUSED as e:
            st.error(md(str(e)))
            return
        st.session_state["act_flash"] = t("act_created", id=new_id)
        st.rerun()


if flash := st.session_state.pop("act_flash", None):
    st.success(md(flash))
if access.rule.sets_actions and st.button(t("act_new"), icon=":material/add_task:"):
    new_item()

stood = queries.action_ledger(f)
if not stood:
    st.info(t("act_none"))
    st.stop()
rows = pd.DataFrame(queries.action_rows(f, stood, L))
with st.container(horizontal=True):
    meetings = st.multiselect(t("act_filter_meeting"), sorted(rows["meeting"].unique()), key="act_meetings")
    owners = st.multiselect(t("act_filter_owner"), sorted(rows["owner"].unique()), key="act_owners")
    statuses = st.multiselect(t("act_filter_status"), list(STATUSES), key="act_statuses",
                              format_func=lambda s: t(f"b_fu_status_{s}"))
keep = pd.Series(True, index=rows.index)
for column, chosen_values in (("meeting", meetings), ("owner", owners), ("status_code", statuses)):
    if chosen_values:
        keep &= rows[column].isin(chosen_values)
shown = rows[keep]
counts = shown["status_code"].value_counts()
st.caption(tm("act_counts", n=len(shown), counts=t("list_separator").join(
    f"{t(f'b_fu_status_{s}')} {counts[s]}" for s in STATUSES if s in counts)))
table = shown[list(COLUMNS)].rename(columns={c: t(f"b_fu_col_{c}") for c in COLUMNS if c != "id"})
show(table, alt="actions")
download_xlsx(table, "actions", f, ctx, key="dl_actions")

st.subheader(t("act_item"))
by_id = {s.item.id: s for s in stood}
labels = {r["id"]: t("act_item_label", id=r["id"], indicator=r["indicator"], unit=r["unit"]) for _, r in shown.iterrows()}
if not labels:
    st.stop()
chosen = st.selectbox(t("act_item"), list(labels), format_func=labels.get, label_visibility="collapsed",
                      key="act_chosen")
s = by_id[chosen]
item = s.item
st.markdown("**" + md(labels[chosen]) + "** · " + md(t(f"b_fu_status_{s.status}")))
st.caption(tm("act_set_by", by=item.created_by, at=item.created_at[:10], note=item.note or "—"))
if item.closed_at:
    st.caption(tm("act_closed_by", by=item.closed_by, at=item.closed_at[:10], note=item.close_note))
st.markdown("**" + t("act_progress_title") + "**")
for p in item.progress:
    st.caption(tm("act_progress_line", at=p.at[:16].replace("T", " "), by=p.username, text=p.text))
if not item.progress:
    st.caption(t("act_no_progress"))



def text_form(key: str, label_key: str, button_key: str, write) -> None:
    """One line of text and a button that writes it (`write(text)`); a refusal shown, nothing written."""
    with st.form(f"{key}_{chosen}", clear_on_submit=True):
        text = st.text_input(t(label_key), max_chars=500)
        if st.form_submit_button(t(button_key)):
            try:
                write(text)
                st.session_state["act_flash"] = t("act_saved")
                st.rerun()
            except REFUSED as e:
                st.error(md(str(e)))


may_report = access.rule.sets_actions or access.rule.reports_progress
if item.closed_at is None and may_report:
    text_form("progress", "act_progress_text", "act_add_progress",
              lambda text: queries.add_action_progress(f, chosen, text, user.username))
if item.closed_at is None and access.rule.sets_actions:
    text_form("close", "act_close_note", "act_close", lambda note: queries.close_action(f, chosen, note, user.username))
if not may_report:
    st.caption(t("act_read_only"))

u = item.unit
level = u.level if not u.with_subordinates else None
if level and st.button(t("act_open_unit"), icon=":material/id_card:"):
    open_profile(level, u.court, u.division, u.judge_id)
with st.expander(t("act_cases")):
    data_date = ctx["data_date"]
    case_list(f.narrow(period=f"{data_date:%Y-%m}", cumulative=True, court=u.court, district=u.with_subordinates,
                       division=u.division, judge_id=u.judge_id), ctx, item.indicator, labels[chosen])
