"""The follow-up's rows in the application state: written with their audit entry in one
transaction (security/audit.change), read without a lock. Plain `?` SQL both backends take."""
from __future__ import annotations

import datetime as dt
import json

from security import audit
from security.state import store

from .model import Item, Meeting, Note, Progress, Unit

_ITEM_COLUMNS = ("i.id, i.meeting_id, m.name, i.indicator, i.court_code, i.with_subordinates, i.division, i.judge_id, "
                 "i.target, i.due, i.owner, i.note, i.value_at_creation, i.data_date_at_creation, i.created_by, "
                 "i.created_at, i.closed_at, i.closed_by, i.close_note")
_MEETING_COLUMNS = ("id, name, held, court_code, with_subordinates, period, cumulative, data_date, minutes, briefing, "
                    "created_by")
_NOTE_COLUMNS = "id, indicator, court_code, with_subordinates, division, judge_id, month, text, created_by, created_at"


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _next_id(change: audit.Change, table: str) -> int:
    return int(change.run(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")[0][0])


def _unit(court, with_subordinates, division, judge_id) -> Unit:
    return Unit(court, bool(with_subordinates), division or None, judge_id or None)


def _meeting(row) -> Meeting:
    (mid, name, held, court, subs, period, cumulative, data_date, minutes, briefing, by) = row
    return Meeting(int(mid), name, dt.date.fromisoformat(held), court, bool(subs), period, bool(cumulative),
                   dt.date.fromisoformat(data_date), minutes, briefing, by)


def _item(row, progress: tuple = ()) -> Item:
    (iid, mid, meeting, indicator, court, subs, division, judge, target, due, owner, note, value, date, by, at,
     closed_at, closed_by, close_note) = row
    return Item(int(iid), int(mid), meeting, indicator, _unit(court, subs, division, judge), target,
                dt.date.fromisoformat(due), owner, note, value, dt.date.fromisoformat(date), by, at,
                closed_at, closed_by, close_note, progress)


# ---- meetings

def meeting_by_name(name: str) -> Meeting | None:
    rows = store().read(f"SELECT {_MEETING_COLUMNS} FROM followup_meetings WHERE name = ?", (name,))
    return _meeting(rows[0]) if rows else None


def meeting(meeting_id: int) -> Meeting | None:
    rows = store().read(f"SELECT {_MEETING_COLUMNS} FROM followup_meetings WHERE id = ?", (meeting_id,))
    return _meeting(rows[0]) if rows else None


def meetings() -> list[Meeting]:
    """Newest first."""
    return [_meeting(r) for r in store().read(f"SELECT {_MEETING_COLUMNS} FROM followup_meetings "
                                              "ORDER BY held DESC, id DESC")]


def add_meeting(m: Meeting, by: str, values: dict[int, float | None] | None = None) -> int:
    """Stores the meeting (its id is given here) and, for each open item, its value at this meeting."""
    with audit.change() as change:
        if change.run("SELECT 1 FROM followup_meetings WHERE name = ?", (m.name,)):
            raise ValueError(f"会商“{m.name}”已存在 / a meeting named {m.name!r} exists already")
        mid = _next_id(change, "followup_meetings")
        change.run(f"INSERT INTO followup_meetings ({_MEETING_COLUMNS}, created_at) VALUES "
                   f"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (mid, m.name, m.held.isoformat(), m.court, int(m.with_subordinates), m.period, int(m.cumulative),
                    m.data_date.isoformat(), m.minutes, m.briefing, by, _now()))
        for item_id, value in (values or {}).items():
            change.run("INSERT INTO followup_values VALUES (?, ?, ?, ?)", (item_id, mid, value, m.data_date.isoformat()))
        change.record(by, "meeting_added", json.dumps({"id": mid, "name": m.name, "held": m.held.isoformat()},
                                                      ensure_ascii=False))
    return mid


def set_minutes(meeting_id: int, minutes: str, by: str) -> None:
    with audit.change() as change:
        change.run("UPDATE followup_meetings SET minutes = ? WHERE id = ?", (minutes, meeting_id))
        change.record(by, "meeting_minutes", json.dumps({"id": meeting_id, "minutes": minutes}, ensure_ascii=False))


def set_briefing(meeting_id: int, briefing: str, by: str) -> None:
    """The briefing issued for the meeting: kept as issued from then on."""
    with audit.change() as change:
        if change.run("SELECT 1 FROM followup_meetings WHERE id = ? AND briefing <> ''", (meeting_id,)):
            raise ValueError("该会商的报告已发布，不再改写 / the meeting's briefing was issued and is kept as issued")
        change.run("UPDATE followup_meetings SET briefing = ? WHERE id = ?", (briefing, meeting_id))
        change.record(by, "meeting_briefing", json.dumps({"id": meeting_id}))


def meeting_values(meeting_id: int) -> dict[int, float | None]:
    return {int(i): v for i, v in store().read("SELECT item_id, value FROM followup_values WHERE meeting_id = ?",
                                               (meeting_id,))}


# ---- items

def items(ids: list[int] | None = None) -> list[Item]:
    """Every item (or those of `ids`), oldest first, with its progress notes."""
    where = f" WHERE i.id IN ({', '.join('?' * len(ids))})" if ids else ""
    rows = store().read(f"SELECT {_ITEM_COLUMNS} FROM followup_items i JOIN followup_meetings m ON m.id = i.meeting_id"
                        f"{where} ORDER BY i.id", tuple(ids or ()))
    progress: dict[int, list[Progress]] = {}
    for item_id, at, username, text in store().read("SELECT item_id, at, username, text FROM followup_progress "
                                                    "ORDER BY id"):
        progress.setdefault(int(item_id), []).append(Progress(at, username, text))
    return [_item(r, tuple(progress.get(int(r[0]), ()))) for r in rows]


def item(item_id: int) -> Item | None:
    found = items([item_id])
    return found[0] if found else None


def add_item(item: Item, by: str) -> int:
    with audit.change() as change:
        iid = _next_id(change, "followup_items")
        u = item.unit
        change.run("INSERT INTO followup_items (id, meeting_id, indicator, court_code, with_subordinates, division, "
                   "judge_id, target, due, owner, note, value_at_creation, data_date_at_creation, created_by, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (iid, item.meeting_id, item.indicator, u.court, int(u.with_subordinates), u.division, u.judge_id,
                    item.target, item.due.isoformat(), item.owner, item.note, item.value_at_creation,
                    item.data_date_at_creation.isoformat(), by, _now()))
        change.record(by, "action_added", json.dumps(
            {"id": iid, "meeting": item.meeting, "indicator": item.indicator, "court": u.court,
             "with_subordinates": u.with_subordinates, "division": u.division, "judge_id": u.judge_id,
             "target": item.target, "due": item.due.isoformat(), "owner": item.owner, "note": item.note},
            ensure_ascii=False))
    return iid


def close_item(item_id: int, note: str, by: str) -> None:
    with audit.change() as change:
        found = change.run("SELECT closed_at FROM followup_items WHERE id = ?", (item_id,))
        if not found:
            raise LookupError(f"没有编号为 {item_id} 的整改事项 / no action item {item_id}")
        if found[0][0]:
            raise ValueError(f"整改事项 {item_id} 已销号 / action item {item_id} is closed already")
        change.run("UPDATE followup_items SET closed_at = ?, closed_by = ?, close_note = ? WHERE id = ?",
                   (_now(), by, note, item_id))
        change.record(by, "action_closed", json.dumps({"id": item_id, "note": note}, ensure_ascii=False))


def add_progress(item_id: int, text: str, by: str) -> None:
    with audit.change() as change:
        pid = _next_id(change, "followup_progress")
        change.run("INSERT INTO followup_progress VALUES (?, ?, ?, ?, ?)", (pid, item_id, _now(), by, text))
        change.record(by, "action_progress", json.dumps({"id": item_id, "text": text}, ensure_ascii=False))


# ---- notes

def notes() -> list[Note]:
    return [Note(int(r[0]), r[1], _unit(*r[2:6]), r[6], r[7], r[8], r[9])
            for r in store().read(f"SELECT {_NOTE_COLUMNS} FROM followup_notes ORDER BY month, id")]


def add_note(note: Note, by: str) -> int:
    with audit.change() as change:
        nid = _next_id(change, "followup_notes")
        u = note.unit
        change.run(f"INSERT INTO followup_notes ({_NOTE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (nid, note.indicator, u.court, int(u.with_subordinates), u.division, u.judge_id, note.month,
                    note.text, by, _now()))
        change.record(by, "note_added", json.dumps({"id": nid, "indicator": note.indicator, "court": u.court,
                                                    "division": u.division, "judge_id": u.judge_id,
                                                    "month": note.month, "text": note.text}, ensure_ascii=False))
    return nid
