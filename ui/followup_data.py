"""The follow-up as the signed-in user may see and change it: every call passes their Access to
followup.actions, which checks it again before reading or writing (never a hidden widget alone).
Items live in the application state, so nothing here is cached: a change shows on the next run."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from followup import actions
from followup.model import Unit
from followup.text import TextError
from metrics import inventory
from metrics.access import Access, AccessDenied
from security.users import load_users
from ui import queries
from ui.database import cursor, version
from ui.layout import page_scope
from ui.session import current_access, current_user

REFUSED = (actions.ActionError, TextError, AccessDenied)  # shown as a message; nothing was written


def _who() -> tuple[Access, str]:
    access, user = current_access(), current_user()
    if access is None or user is None:
        raise AccessDenied("未登录 / not signed in")
    return access, user.username


def standings(court: str | None, district: bool) -> list[actions.Standing]:
    """The items of the scope this user may see, with value now and status; newest first."""
    access, _ = _who()
    con = cursor()
    found = actions.visible_items(con, access, court, district)
    return sorted(actions.standings(con, found), key=lambda s: -s.item.id)


def meeting_names() -> list[str]:
    """The meetings an item may be added to: those of scopes within the user's reach."""
    access, _ = _who()
    return [m.name for m in actions.visible_meetings(cursor(), access)]


def court_names() -> dict[str, str]:
    return dict(queries.court_lookup().names)


@st.cache_data(max_entries=64, show_spinner=False)
def _judge_names(court: str, division: str, db_version) -> dict[str, str]:
    frame = inventory.judges(cursor(), court, division)
    return dict(zip(frame["judge_id"], frame["judge_name"]))


def judges(court: str, division: str) -> dict[str, str]:
    """judge_id → name of a division's judges (to choose a judge in the form)."""
    return _judge_names(court, division, version())


def judge_names(items) -> dict[tuple[str, str], str]:
    """(court, judge_id) → name for the judges the items are about, looked up in their owner's
    division. A judge sees only items about themselves, so no name of another is shown to them."""
    out = {}
    for i in items:
        if i.unit.judge_id and i.owner:
            out[(i.unit.court, i.unit.judge_id)] = judges(i.unit.court, i.owner).get(i.unit.judge_id, i.unit.judge_id)
    return out


def person(username: str | None) -> str:
    """Who wrote a line, by the name their account gives (the command line's writer as recorded)."""
    user = load_users().users.get(username or "")
    return user.name if user is not None else (username or "")


def open_items_for(indicator: str, unit: Unit) -> list[int]:
    """Ids of the open items already set on this indicator of this unit (that this user may see)."""
    access, _ = _who()
    return [i.id for i in actions.visible_items(cursor(), access, unit.court, False)
            if i.indicator == indicator and i.unit == unit and i.closed_at is None]


def may_set() -> bool:
    access = current_access()
    return access is not None and access.rule.sets_actions


def may_progress(item) -> bool:
    """Whether the form to add progress is offered; add_progress checks again."""
    access = current_access()
    if access is None:
        return False
    try:
        access.check_progress(cursor(), item.unit.court, item.owner)
    except AccessDenied:
        return False
    return True


def proposed_owner(indicator: str, unit: Unit) -> str | None:
    try:
        return actions.proposed_owner(cursor(), indicator, unit)
    except Exception:  # a unit not in the data: the form says so on saving
        return None


def add(*, meeting: str, indicator: str, unit: Unit, target: str, due: dt.date, owner: str | None,
        note: str) -> int:
    """A new item; a new meeting is recorded for the scope of the page the form was opened on."""
    access, by = _who()
    shown = page_scope()
    return actions.add_item(cursor(), meeting=meeting, indicator=indicator, unit=unit, target=target, due=due,
                            owner=owner, note=note, by=by, access=access,
                            meeting_scope=Unit(shown[0], shown[1]) if shown else None)


def close(item_id: int, note: str) -> None:
    access, by = _who()
    actions.close_item(cursor(), item_id, note, by, access)


def progress(item_id: int, text: str) -> None:
    access, by = _who()
    actions.add_progress(cursor(), item_id, text, by, access)
