"""A meeting recorded with the briefing issued for it: who may, what is checked, and the
meetings of a scope whose briefing was issued."""
from __future__ import annotations

import datetime as dt

import duckdb

from metrics.access import Access
from metrics.engine import Scope

from . import store
from .actions import ActionError, standings, visible_items
from .model import Meeting
from .text import MAX_MINUTES, check_text
from .values import data_date


def issue(con: duckdb.DuckDBPyConnection, *, name: str, held: dt.date, scope: Scope, period: str, cumulative: bool,
          minutes: str, briefing: str, by: str, access: Access | None = None) -> int:
    """Records the meeting `name` of `scope` with its minutes and the briefing as issued (frozen
    JSON, report/frozen.py), and each open item's value at it; its id. A meeting of that name
    recorded before (by the items set at it) gets the briefing if it has none yet.
    ActionError (or AccessDenied) and nothing written when refused."""
    name = check_text(name, "会商名称 / meeting name", required=True, limit=100)
    minutes = check_text(minutes, "会商纪要 / minutes", lines=True, limit=MAX_MINUTES)
    if access is not None:
        access.check_sets_actions(con, scope)
    if not briefing:
        raise ActionError("没有可发布的报告 / no briefing to issue")
    found = store.meeting_by_name(name)
    if found is not None:
        if found.briefing:
            raise ActionError(f"会商“{name}”的报告已发布 / the briefing of meeting {name!r} was issued already")
        if (found.court, found.with_subordinates) != (scope.court, scope.with_subordinates and scope.court is not None):
            raise ActionError(f"会商“{name}”属于另一范围 / meeting {name!r} is of another scope")
        try:
            store.set_briefing(found.id, briefing, by)
        except ValueError as e:  # issued meanwhile by another server
            raise ActionError(str(e)) from None
        if minutes:
            store.set_minutes(found.id, minutes, by)
        return found.id
    open_items = [i for i in visible_items(con, None, scope.court, scope.with_subordinates) if not i.closed_at]
    at_meeting = {s.item.id: s.value_now for s in standings(con, open_items)}
    meeting = Meeting(0, name, held, scope.court, bool(scope.with_subordinates and scope.court), period, cumulative,
                      data_date(con), minutes, briefing, by)
    try:
        return store.add_meeting(meeting, by, at_meeting)
    except ValueError as e:  # recorded meanwhile by another server
        raise ActionError(str(e)) from None


def issued(con: duckdb.DuckDBPyConnection, scope: Scope, access: Access | None = None) -> list[Meeting]:
    """The meetings of `scope` whose briefing was issued, newest first (none if `access` does not reach it)."""
    if access is not None:
        access.check(con, scope)
    return [m for m in store.meetings() if m.briefing and m.court == scope.court
            and (scope.court is None or m.with_subordinates == scope.with_subordinates)]
