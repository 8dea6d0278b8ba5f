"""The briefing's follow-up: the previous meeting's decisions against the data now (its first
section), every item of the scope (the Excel sheet 整改台账), and the notes (批注) on the period's
months, shown in the analysis of their indicator.

Kept as text already written for the meeting (values formatted, statuses named), so that a
briefing issued for a meeting and frozen (report/frozen.py) prints the same later."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from followup import store
from followup.actions import in_scope, standings, visible_items, visible_notes
from followup.model import RANGE, STATUSES, Item, Meeting, Unit
from metrics import Period, Scope, inventory
from metrics.access import Access
from metrics.catalogue import BY_ID
from present import format as fmt
from present.text import tr

# The columns of the section's table and of the ledger, in order (text keys b_fu_col_<column>).
COLUMNS = ("indicator", "unit", "target", "due", "owner", "then", "now", "status", "progress")
LEDGER_COLUMNS = ("meeting",) + COLUMNS


@dataclass(frozen=True)
class Followup:
    meeting: str | None = None       # the previous meeting of the scope; None: there was none
    held: str | None = None
    rows: list[dict] = field(default_factory=list)    # its items: COLUMNS → text, and "status_code"
    ledger: list[dict] = field(default_factory=list)  # every item of the scope: LEDGER_COLUMNS → text
    notes: dict = field(default_factory=dict)         # indicator → ["2026-03 示01：text", …]


def previous_meeting(scope: Scope, today: dt.date) -> Meeting | None:
    """The latest meeting of the scope (the same court, with or without its district) held by today."""
    for m in store.meetings():  # newest first
        same = m.court == scope.court and (scope.court is None or m.with_subordinates == scope.with_subordinates)
        if same and m.held <= today:
            return m
    return None


def _unit_name(names: dict, u: Unit, lang: str) -> str:
    name = names.get(u.court, u.court)
    if u.with_subordinates:
        name += tr("district_suffix", lang)
    if u.division:
        name += ("" if lang == "zh" else " ") + u.division
    if u.judge_id:
        name += ("" if lang == "zh" else " ") + tr("b_fu_judge", lang, judge=u.judge_id)
    return name


def _target(item: Item, rng, lang: str) -> str:
    ind = BY_ID[item.indicator]
    if item.target == RANGE:
        if rng is None:
            return tr("b_fu_into_range", lang, range="—")
        return tr("b_fu_into_range", lang, range=f"{fmt.value(ind, rng[0], lang)}~{fmt.value(ind, rng[1], lang)}")
    return fmt.value(ind, item.target_value, lang)


def _row(names: dict, standing, then, lang: str) -> dict:
    item = standing.item
    ind = BY_ID[item.indicator]
    latest = item.progress[-1] if item.progress else None
    return {"indicator": ind.name(lang), "unit": _unit_name(names, item.unit, lang),
            "target": _target(item, standing.range, lang), "due": item.due.isoformat(), "owner": item.owner or "—",
            "then": fmt.value(ind, then, lang), "now": fmt.value(ind, standing.value_now, lang),
            "status": tr(f"b_fu_status_{standing.status}", lang), "status_code": standing.status,
            "progress": f"{latest.at[:10]} {latest.text}" if latest else "—", "meeting": item.meeting,
            # the same as numbers, for the Excel ledger (a briefing frozen before these has only the text)
            "values": {"indicator": item.indicator, "target": None if item.target == RANGE else item.target_value,
                       "then": fmt.excel_value(ind, then), "now": fmt.excel_value(ind, standing.value_now)}}


def _months(period: Period) -> tuple[str, str]:
    return f"{period.start:%Y-%m}", f"{period.end:%Y-%m}"


def gather(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, lang: str = "zh",
           access: Access | None = None, today: dt.date | None = None) -> Followup:
    """The follow-up of `scope` as the briefing of `period` prints it, for the user `access`
    (None: everything, as the command line)."""
    today = today or dt.date.today()
    names = dict(zip(*(inventory.courts(con)[c] for c in ("court_code", "court_name"))))
    items = visible_items(con, access, scope.court, scope.with_subordinates)
    stand = {s.item.id: s for s in standings(con, items, today)}
    ledger = [_row(names, stand[i.id], i.value_at_creation, lang) for i in items]
    prev = previous_meeting(scope, today)
    rows = []
    if prev is not None:
        at_meeting = store.meeting_values(prev.id)
        rows = [_row(names, stand[i.id], at_meeting.get(i.id, i.value_at_creation), lang)
                for i in items if i.meeting_id == prev.id]
    first, last = _months(period)
    notes: dict[str, list[str]] = {}
    for n in in_scope(con, visible_notes(con, access), scope.court, scope.with_subordinates):
        if first <= n.month <= last:
            unit = _unit_name(names, n.unit, lang)
            notes.setdefault(n.indicator, []).append(tr("b_fu_note", lang, month=n.month, unit=unit, text=n.text))
    return Followup(prev.name if prev else None, prev.held.isoformat() if prev else None, rows, ledger, notes)


def column_names(lang: str, columns=COLUMNS) -> list[str]:
    return [tr(f"b_fu_col_{c}", lang) for c in columns]


def table_rows(rows: list[dict], columns=COLUMNS) -> list[list[str]]:
    return [[r[c] for c in columns] for r in rows]


def ledger_sheet(ledger: list[dict], lang: str) -> tuple[pd.DataFrame, dict]:
    """The ledger as an Excel sheet: the figures as numbers in their indicator's format and the
    due date as a date (a row of a briefing frozen without numbers keeps its text)."""
    rows, formats = [], {c: [] for c in LEDGER_COLUMNS}
    for r in ledger:
        row = dict(r)
        values = r.get("values")
        ind = BY_ID[values["indicator"]] if values else None
        for c in ("target", "then", "now"):
            number = values.get(c) if values else None
            if number is not None:
                row[c] = number
            formats[c].append(fmt.excel(ind, lang) if number is not None else "General")
        try:
            row["due"] = dt.date.fromisoformat(r["due"])
        except (TypeError, ValueError):
            pass
        formats["due"].append("yyyy-mm-dd" if isinstance(row["due"], dt.date) else "General")
        rows.append([row[c] for c in LEDGER_COLUMNS])
    names = column_names(lang, LEDGER_COLUMNS)
    return (pd.DataFrame(rows, columns=names, dtype=object),
            {n: formats[c] for n, c in zip(names, LEDGER_COLUMNS) if formats[c]})


def intro(f: Followup, lang: str) -> str:
    """The section's first line: which meeting, how many items and how they stand; or that there was none."""
    if f.meeting is None:
        return tr("b_fu_none", lang)
    if not f.rows:
        return tr("b_fu_no_items", lang, meeting=f.meeting, held=f.held)
    counts = {}
    for r in f.rows:
        counts[r["status_code"]] = counts.get(r["status_code"], 0) + 1
    parts = tr("list_separator", lang).join(tr("b_fu_count", lang, status=tr(f"b_fu_status_{s}", lang), n=n)
                                            for s, n in sorted(counts.items(), key=lambda c: STATUSES.index(c[0])))
    return tr("b_fu_intro", lang, meeting=f.meeting, held=f.held, n=len(f.rows), counts=parts)
