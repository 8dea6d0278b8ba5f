"""The form that sets an action item (整改事项), in a dialog: by hand from the 台账 page, or
pre-filled in one click from a shortfall another page shows. Offered only to a role that sets
items; followup.actions checks the user, unit, target, deadline and text again on saving."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from followup.model import RANGE, Unit
from metrics import CATALOGUE
from metrics.catalogue import BY_ID, Direction, Format
from ui import followup_data, queries
from ui.i18n import lang, t
from ui.plain import md, tm
from ui.session import current_access

PREFIX = "fuf_"  # the form's widget keys: cleared when it opens, so each opening starts from its pre-fill
LEVELS = ("court", "division", "judge")
CREATED = "fu_created_id"  # the id just set, for the page to say so after the dialog closes


def _reset() -> None:
    for key in [k for k in st.session_state if str(k).startswith(PREFIX)]:
        del st.session_state[key]


def open_button(label_key: str, key: str, name: str | None = None, **prefill) -> None:
    """A button (text `label_key`, naming `name`) that opens the form pre-filled with `prefill`
    (indicator, court, district, division, judge_id): drawn only for a role that sets items."""
    if not followup_data.may_set():
        return
    if st.button(tm(label_key, **({"name": name} if name else {})), key=key, icon=":material/add_task:"):
        _reset()
        st.dialog(t("fu_form_title"), width="large")(_form)(**prefill)


def shortfall_buttons(indicators, key: str, **unit) -> None:
    """One button per indicator falling short, each opening the form for it and the unit."""
    created_notice()
    if not followup_data.may_set() or not len(indicators):
        return
    L = lang()
    with st.container(horizontal=True, key=f"fu_short_{key}"):
        for ind in indicators:
            open_button("fu_make_item_for", f"{key}_{ind}", BY_ID[ind].name(L), indicator=ind, **unit)


def _target(indicator: str) -> str | None:
    ind = BY_ID[indicator]
    kinds = ["range"] + (["value"] if ind.direction is not Direction.NONE else [])
    kind = st.segmented_control(t("fu_target_kind"), kinds, key=PREFIX + "target_kind", default="range",
                                required=True, format_func=lambda k: t(f"fu_target_{k}"))
    if kind == "range":
        return RANGE
    percent = ind.format is Format.PERCENT  # a rate is typed as a percentage: 90 for 90%
    goal = st.number_input(t("fu_target_number_rate" if percent else "fu_target_number"), key=PREFIX + "goal",
                           value=None, step=1.0 if percent else 0.1)
    if goal is None:
        return ""
    return repr(round(goal / 100, 6)) if percent else repr(float(goal))


def _form(indicator: str | None = None, court: str | None = None, district: bool = False,
          division: str | None = None, judge_id: str | None = None) -> None:
    L = lang()
    access = current_access()
    ids = [i.id for i in CATALOGUE]
    indicator = st.selectbox(t("indicator"), ids, index=ids.index(indicator) if indicator in ids else 0,
                             key=PREFIX + "indicator", format_func=lambda i: BY_ID[i].name(L))
    codes = queries.allowed_courts(access)
    names = followup_data.court_names()
    with st.container(horizontal=True):
        court = st.selectbox(t("court"), codes, index=codes.index(court) if court in codes else 0,
                             key=PREFIX + "court", format_func=lambda c: names.get(c, c))
        level = "judge" if judge_id else "division" if division else "court"
        level = st.segmented_control(t("fu_level"), LEVELS, default=level, required=True, key=PREFIX + "level",
                                     format_func=lambda x: t(f"fu_level_{x}"))
    divisions = queries.divisions(court)
    unit = Unit(court)
    if level == "court":
        unit = Unit(court, st.toggle(t("with_district"), value=district, key=PREFIX + "district"))
    elif divisions:
        division = st.selectbox(t("division"), divisions, key=PREFIX + "division",
                                index=divisions.index(division) if division in divisions else 0)
        unit = Unit(court, division=division)
        if level == "judge":
            people = followup_data.judges(court, division)
            if not people:
                st.info(t("fu_no_judges"))
                return
            keys = list(people)
            judge_id = st.selectbox(t("judge"), keys, index=keys.index(judge_id) if judge_id in keys else 0,
                                    key=PREFIX + "judge", format_func=lambda j: f"{people.get(j, j)}（{j}）")
            unit = Unit(court, division=None, judge_id=judge_id)
    already = followup_data.open_items_for(indicator, unit)
    if already:  # said, not refused: a second item with another target or deadline may be meant
        st.warning(tm("fu_already_open", ids=t("list_separator").join(f"#{i}" for i in already)), icon=":material/content_copy:")
    target = _target(indicator)
    today = dt.date.today()
    due = st.date_input(t("fu_due"), value=dt.date(today.year, 12, 31), min_value=today, key=PREFIX + "due")
    proposed = followup_data.proposed_owner(indicator, unit)
    owners = [""] + divisions
    owner = st.selectbox(t("fu_owner"), owners, index=owners.index(proposed) if proposed in owners else 0,
                         key=PREFIX + "owner", format_func=lambda o: o or t("fu_owner_none"))
    meetings = followup_data.meeting_names()
    NEW = "\0new"  # the choice of typing a new meeting's name
    meeting = st.selectbox(t("fu_meeting"), meetings + [NEW], key=PREFIX + "meeting",
                           format_func=lambda m: t("fu_meeting_new") if m == NEW else m)
    if meeting == NEW:
        meeting = st.text_input(t("fu_meeting_name"), value=t("fu_meeting_default", year=today.year),
                                key=PREFIX + "meeting_name", max_chars=100)
    note = st.text_area(t("fu_note"), key=PREFIX + "note", max_chars=500)
    if st.button(t("fu_save"), type="primary", key=PREFIX + "save"):
        try:
            new_id = followup_data.add(meeting=meeting, indicator=indicator, unit=unit, target=target or "",
                                       due=due, owner=owner or None, note=note)
        except followup_data.REFUSED as e:
            st.error(md(str(e)), icon=":material/block:")
            return
        st.session_state[CREATED] = new_id
        st.rerun()  # closes the dialog; the page says what was set


def created_notice() -> None:
    """After the dialog closed on saving: say which item was set."""
    new_id = st.session_state.pop(CREATED, None)
    if new_id is not None:
        st.toast(tm("fu_created", id=new_id), icon=":material/task_alt:")


def unit_buttons(indicator: str, units: list[tuple[str, dict]], key: str) -> None:
    """For one indicator, the units (name, pre-fill) falling short of it, each a button opening the
    form, inside one pop-over so a long list of units stays out of the way."""
    created_notice()
    if not followup_data.may_set() or not units:
        return
    with st.popover(t("fu_make_item"), icon=":material/add_task:"):
        for n, (name, prefill) in enumerate(units):
            open_button("fu_make_item_for", f"{key}_{n}", name, indicator=indicator, **prefill)
