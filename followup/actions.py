"""What people do with the follow-up — set an item, close it, add progress, record a meeting,
note a figure — each checked (the text, the unit, the target, the deadline, who may) before
anything is written; and the items as they stand now, with their value and status."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb

from metrics import inventory, ownership
from metrics.access import Access
from metrics.catalogue import BY_ID, Direction, Unit as ValueUnit
from metrics.engine import UnknownScope, check_scope
from metrics.evaluation import load_config

from . import store
from .model import RANGE, STATUSES, Item, Meeting, Note, Unit, reaches, status
from .text import check_text
from .values import data_date, range_for, values, year_to_date


class ActionError(ValueError):
    """A refused change: nothing was written; the message says why (Chinese / English)."""


def check_unit(con: duckdb.DuckDBPyConnection, unit: Unit) -> None:
    """The unit exists in the case database: ActionError naming what does not."""
    try:
        check_scope(con, unit.scope)
    except UnknownScope as e:
        raise ActionError(str(e)) from None
    if unit.division and unit.division not in inventory.divisions(con, unit.court):
        raise ActionError(f"{unit.court} 没有部门“{unit.division}” / court {unit.court} has no division {unit.division!r}")
    if unit.judge_id and inventory.judge_division(con, unit.court, unit.judge_id) is None:
        raise ActionError(f"{unit.court} 没有法官 {unit.judge_id} / court {unit.court} has no judge {unit.judge_id!r}")
    if unit.with_subordinates and (unit.division or unit.judge_id):
        raise ActionError("含辖区只用于法院 / --with-subordinates is for a court, not a division or judge")


def check_target(con: duckdb.DuckDBPyConnection, indicator: str, unit: Unit, target: str) -> str:
    """The target as stored: RANGE, or a value on the better side of the indicator's range."""
    ind = BY_ID[indicator]
    rng = range_for(con, unit, indicator)
    if target.strip().lower() == RANGE:
        if rng is None:
            raise ActionError(f"{ind.zh}没有合理区间，请给出目标值 / {ind.en} has no reference range: give a target value")
        return RANGE
    try:
        goal = float(target)
    except ValueError:
        raise ActionError(f"目标应为 range 或数值 / the target must be 'range' or a number: {target!r}") from None
    if not math.isfinite(goal):
        raise ActionError(f"目标应为有限数值 / the target must be a finite number: {target!r}")
    if ind.direction is Direction.NONE:
        raise ActionError(f"{ind.zh}没有好坏方向，目标只能是 range / {ind.en} has no better side: the target must be 'range'")
    if ind.unit is ValueUnit.PERCENT and not 0 <= goal <= 1:
        raise ActionError(f"{ind.zh}是比率，目标应在 0 到 1 之间（如 0.9） / {ind.en} is a rate: a target between 0 and 1 (0.9)")
    if rng is not None:
        worse_bound = rng[0] if ind.direction is Direction.HIGHER else rng[1]
        if (goal < worse_bound) if ind.direction is Direction.HIGHER else (goal > worse_bound):
            raise ActionError(f"目标 {goal:g} 在合理区间 [{rng[0]:g}, {rng[1]:g}] 较差的一侧 / the target {goal:g} is on the "
                              f"worse side of the range [{rng[0]:g}, {rng[1]:g}]")
    return repr(goal) if not goal.is_integer() else str(int(goal))


def _check_owner(con: duckdb.DuckDBPyConnection, indicator: str, unit: Unit, owner: str | None) -> str | None:
    if owner:
        owner = check_text(owner, "责任部门 / owner", limit=50)
        if owner not in inventory.divisions(con, unit.court):
            raise ActionError(f"{unit.court} 没有部门“{owner}” / court {unit.court} has no division {owner!r}")
        return owner
    return proposed_owner(con, indicator, unit)


def proposed_owner(con: duckdb.DuckDBPyConnection, indicator: str, unit: Unit) -> str | None:
    """A division's or judge's item is their division's; a court's, the division that owns the
    indicator there (对口认领), when it is a division of the court."""
    if unit.division:
        return unit.division
    if unit.judge_id:
        return inventory.judge_division(con, unit.court, unit.judge_id)
    proposed = ownership.load().owner(indicator, unit.court)
    return proposed if proposed in inventory.divisions(con, unit.court) else None


def meeting_for(con: duckdb.DuckDBPyConnection, name: str, unit: Unit, by: str, access: Access | None,
                today: dt.date) -> Meeting:
    """The meeting of that name, recorded now (held today, on the data's year to date) if there is none."""
    name = check_text(name, "会商名称 / meeting name", required=True, limit=100)
    found = store.meeting_by_name(name)
    if found is not None:
        return found
    if access is not None:
        access.check_sets_actions(con, unit.scope)
    day = data_date(con)
    period = year_to_date(day)
    meeting = Meeting(0, name, today, unit.court, unit.with_subordinates, period.label, True, day, created_by=by)
    try:
        store.add_meeting(meeting, by)
    except ValueError:  # recorded meanwhile by another server
        pass
    return store.meeting_by_name(name)


def add_item(con: duckdb.DuckDBPyConnection, *, meeting: str, indicator: str, unit: Unit, target: str, due: dt.date,
             owner: str | None = None, note: str = "", by: str, access: Access | None = None,
             today: dt.date | None = None, meeting_scope: Unit | None = None) -> int:
    """A new action item; its id. ActionError (or AccessDenied) and nothing written when refused.
    A meeting not yet recorded is recorded for `meeting_scope` (the scope the user was looking at
    on a page; default the item's unit, as the command line has no other)."""
    today = today or dt.date.today()
    if indicator not in BY_ID:
        raise ActionError(f"未知指标 / unknown indicator: {indicator}")
    check_unit(con, unit)
    if access is not None:
        access.check_sets_actions(con, unit.scope)
    if due < today:
        raise ActionError(f"期限 {due} 早于今天 {today} / the deadline {due} is before today {today}")
    target = check_target(con, indicator, unit, target)
    owner = _check_owner(con, indicator, unit, owner)
    note = check_text(note, "备注 / note")
    found = meeting_for(con, meeting, meeting_scope or unit, by, access, today)
    day = data_date(con)
    value = values(con, [(unit, indicator)])[(unit, indicator)]
    item = Item(0, found.id, found.name, indicator, unit, target, due, owner, note, value, day, by, "")
    return store.add_item(item, by)


def _visible(con: duckdb.DuckDBPyConnection, item: Item, access: Access | None) -> Item:
    if item is None or (access is not None and not access.sees_followup(
            con, item.unit.court, item.unit.with_subordinates, item.unit.division, item.unit.judge_id, item.owner)):
        raise ActionError("没有该整改事项 / no such action item")
    return item


def close_item(con: duckdb.DuckDBPyConnection, item_id: int, note: str, by: str, access: Access | None = None) -> None:
    note = check_text(note, "销号说明 / closing note", required=True)
    item = _visible(con, store.item(item_id), access)
    if access is not None:
        access.check_sets_actions(con, item.unit.scope)
    try:
        store.close_item(item_id, note, by)
    except (LookupError, ValueError) as e:
        raise ActionError(str(e)) from None


def add_progress(con: duckdb.DuckDBPyConnection, item_id: int, text: str, by: str, access: Access | None = None) -> None:
    text = check_text(text, "进展 / progress note", required=True)
    item = _visible(con, store.item(item_id), access)
    if access is not None:
        access.check_progress(con, item.unit.court, item.owner)
    store.add_progress(item_id, text, by)


def add_note(con: duckdb.DuckDBPyConnection, *, indicator: str, unit: Unit, month: str, text: str, by: str,
             access: Access | None = None) -> int:
    """A note (批注) on an indicator × unit × month (2026-03)."""
    if indicator not in BY_ID:
        raise ActionError(f"未知指标 / unknown indicator: {indicator}")
    check_unit(con, unit)
    try:
        day = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ActionError(f"月份应为 YYYY-MM / the month must look like 2026-03: {month!r}") from None
    if day > data_date(con):
        raise ActionError(f"{month} 晚于数据截至日期 / {month} is after the data date")
    text = check_text(text, "批注 / note", required=True)
    if access is not None:
        access.check_notes(con, unit.court, unit.division, unit.judge_id)
    return store.add_note(Note(0, indicator, unit, f"{day:%Y-%m}", text, by, ""), by)


@dataclass(frozen=True)
class Standing:
    """An item as it stands on the data now."""
    item: Item
    value_now: float | None
    status: str
    range: tuple[float, float] | None


def standings(con: duckdb.DuckDBPyConnection, items: list[Item], today: dt.date | None = None) -> list[Standing]:
    """Each item with its value now (the year to date of the data date) and status, in one pass."""
    today = today or dt.date.today()
    day = data_date(con)
    now = values(con, [(i.unit, i.indicator) for i in items])
    config, levels = load_config(), inventory.court_levels(con)
    out = []
    for i in items:
        rng = range_for(con, i.unit, i.indicator, config, levels)
        value = now[(i.unit, i.indicator)]
        out.append(Standing(i, value, status(i, value, rng, today, day), rng))
    return out


def in_scope(con: duckdb.DuckDBPyConnection, items: list[Item], court: str | None, with_subordinates: bool) -> list[Item]:
    """Items about units of `court` (and of its district)."""
    if court is None:
        return items
    courts = inventory.district(con, court) if with_subordinates else {court}
    return [i for i in items if i.unit.court in courts]


def visible_items(con: duckdb.DuckDBPyConnection, access: Access | None, court: str | None = None,
                  with_subordinates: bool = False) -> list[Item]:
    found = in_scope(con, store.items(), court, with_subordinates)
    if access is None:
        return found
    return [i for i in found if access.sees_followup(con, i.unit.court, i.unit.with_subordinates, i.unit.division,
                                                     i.unit.judge_id, i.owner)]


def visible_meetings(con: duckdb.DuckDBPyConnection, access: Access | None) -> list[Meeting]:
    """Meetings of scopes this user's items may be about (newest first): another district's are not named."""
    found = store.meetings()
    if access is None:
        return found
    return [m for m in found if access.sees_followup(con, m.court, m.with_subordinates, None, None)]


def visible_notes(con: duckdb.DuckDBPyConnection, access: Access | None) -> list[Note]:
    found = store.notes()
    if access is None:
        return found
    return [n for n in found if access.sees_followup(con, n.unit.court, n.unit.with_subordinates, n.unit.division,
                                                     n.unit.judge_id)]


__all__ = ["ActionError", "STATUSES", "Standing", "add_item", "add_note", "add_progress", "close_item", "in_scope",
           "reaches", "standings", "visible_items", "visible_meetings", "visible_notes"]
