"""The meeting's follow-up where people already look: the open action items of a scope (态势总览,
画像, the big screen's 整改事项 view) and the notes (批注) on a unit's figures, read with the
signed-in user's Access so each sees only what their role reaches (followup/actions.py)."""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from followup.actions import ActionError, Standing, add_note, standings, visible_items, visible_notes
from followup.model import RANGE, Note, Unit
from metrics.access import AccessDenied
from metrics.catalogue import BY_ID
from metrics.query import Query
from present import format as fmt
from present.followup_table import STATUS_BADGES, STATUS_COLORS, status_ink, unit_text
from ui import followup_data, pages
from ui.database import cursor
from ui.i18n import lang, t
from ui.plain import md, tm
from ui.session import current_access, current_user

OPEN = ("at_risk", "overdue", "on_track", "met")  # the order a meeting reads them in: what needs a push first
LEDGER_URL = "actions"  # the 台账 page, when it exists


def unit_of(q: Query) -> Unit:
    """The unit a filtered page looks at (a division head's pages show their division's figures)."""
    if q.judge_id:  # a judge is named by court and id alone, as the command line names them
        return Unit(court=q.court, judge_id=q.judge_id)
    division = q.division or (q.viewer.fixed_division if q.viewer is not None else None)
    return Unit(court=q.court, with_subordinates=bool(q.district and not division), division=division)


def open_items(court: str | None, with_subordinates: bool, unit: Unit | None = None) -> list[Standing]:
    """The open items of the scope the user may see, as they stand on the data now, most urgent first;
    `unit`: only the items about that unit."""
    con = cursor()
    if con is None:
        return []
    items = visible_items(con, current_access(), court, with_subordinates)
    if unit is not None:  # a court's items with or without its district: both are the court's
        items = [i for i in items if (i.unit.court, i.unit.division, i.unit.judge_id)
                 == (unit.court, unit.division, unit.judge_id)]
    found = standings(con, [i for i in items if not i.closed_at])
    return sorted(found, key=lambda s: (OPEN.index(s.status), s.item.due, s.item.id))


def target_text(s: Standing, L: str) -> str:
    ind = BY_ID[s.item.indicator]
    if s.item.target == RANGE:
        if s.range is None:
            return t("fu_target_range")
        return t("fu_target_in_range", low=fmt.value(ind, s.range[0], L), high=fmt.value(ind, s.range[1], L))
    return t("fu_target_reach", value=fmt.value(ind, s.item.target_value, L))


def frame(found: list[Standing]) -> pd.DataFrame:
    """The items as rows of plain text (indicator, unit, deadline, status, value now, target)."""
    L = lang()
    names = followup_data.court_names()
    return pd.DataFrame({
        "indicator": [BY_ID[s.item.indicator].name(L) for s in found],
        "unit": [unit_text(s.item.unit, names, {}, L) for s in found],
        "due": [s.item.due.isoformat() for s in found],
        "status": [s.status for s in found],
        "value_now": [fmt.value(BY_ID[s.item.indicator], s.value_now, L) for s in found],
        "target": [target_text(s, L) for s in found],
        "owner": [s.item.owner or "—" for s in found]})


def _ledger_link() -> None:
    ledger = next((p for p in pages.PAGES if p.url == LEDGER_URL), None)
    if ledger is not None:
        st.page_link(ledger.path, label=t("fu_ledger_link"), icon=":material/checklist:")
    else:
        st.caption(t("fu_ledger_text"))


def items_list(court: str | None, with_subordinates: bool, unit: Unit | None = None, key: str = "items") -> None:
    """The compact list: one line per open item — indicator, unit, deadline, status chip, value now vs target."""
    found = open_items(court, with_subordinates, unit)
    st.subheader(t("fu_items_title"))
    if not found:
        st.caption(t("fu_no_items"))
    with st.container(key=f"fu_{key}"):
        for row in frame(found).itertuples():
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                st.badge(t(f"fu_status_{row.status}"), color=STATUS_BADGES[row.status])
                st.markdown(tm("fu_item_line", indicator=row.indicator, unit=row.unit, due=row.due,
                               now=row.value_now, target=row.target))
    _ledger_link()


def unit_items(q: Query, key: str = "unit_items") -> None:
    """The items about q's unit (画像)."""
    unit = unit_of(q)
    items_list(unit.court, False, unit, key=key)


@dataclass(frozen=True)
class Due:
    """The items due in the quarter of `today`, for the big screen."""
    quarter: str
    rows: pd.DataFrame


def due_this_quarter(court: str, with_subordinates: bool, today: dt.date | None = None) -> Due:
    today = today or dt.date.today()
    q = (today.month - 1) // 3
    first, last = dt.date(today.year, 3 * q + 1, 1), (dt.date(today.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
                                                       - dt.timedelta(days=1))
    found = [s for s in open_items(court, with_subordinates) if first <= s.item.due <= last]
    return Due(f"{today.year}Q{q + 1}", frame(found))


SCREEN_CSS = """<style>
.spzx-items {width: 100%; border-collapse: collapse; font-size: 1.9vw; color: #e8eef7;}
.spzx-items th {text-align: left; color: #b9c6da; font-weight: 600; padding: 0.4vw 0.8vw; border-bottom: 2px solid #2b3a55;}
.spzx-items td {padding: 0 0.8vw; border-bottom: 1px solid #22304a; white-space: nowrap;
                height: min(22vh, calc(80vh / var(--rows, 13)));}
.spzx-items .chip {display: inline-block; font-weight: 700; padding: 0.1em 0.5em; border-radius: 0.3em;}
.spzx-items-none {font-size: 2.2vw; color: #e8eef7; padding: 3vw 0;}
</style>"""


def screen_table(rows: pd.DataFrame) -> str:
    """The items due this quarter as an HTML table for the meeting room: every cell escaped (names and
    text come from the data and from users), the status a coloured chip."""
    if rows.empty:
        return SCREEN_CSS + f'<div class="spzx-items-none">{html.escape(t("screen_no_items"))}</div>'
    cols = ("indicator", "unit", "due", "value_now", "target")
    head = "".join(f"<th>{html.escape(t(k))}</th>" for k in
                   ("fu_col_indicator", "fu_col_unit", "fu_col_due", "fu_col_now", "fu_col_target", "fu_col_status"))
    body = []
    for r in rows.to_dict("records"):
        back, ink = STATUS_COLORS[r["status"]], status_ink(r["status"])
        chip = (f'<span class="chip" style="background:{back};color:{ink}">'
                f'{html.escape(t("fu_status_" + r["status"]))}</span>')
        body.append("<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in cols) + f"<td>{chip}</td></tr>")
    # few rows: taller ones, so the view fills the screen as the other views do
    return SCREEN_CSS + (f'<table class="spzx-items" style="--rows: {len(rows) + 1}"><tr>{head}</tr>'
                         f'{"".join(body)}</table>')


# —— notes (批注) ——

def notes_on(indicator: str, units: list[Unit] | None = None) -> list[Note]:
    """The notes the user may see on `indicator` (about these units, when given)."""
    con = cursor()
    if con is None:
        return []
    found = [n for n in visible_notes(con, current_access()) if n.indicator == indicator]
    return found if units is None else [n for n in found if n.unit in units]


def notes_by_month(notes: list[Note], named: bool = False) -> dict[str, str]:
    """month → the notes' text (several on one month: one after another, each with who wrote it;
    named: each after its indicator's name, for a chart of several indicators)."""
    L = lang()
    out: dict[str, list[str]] = {}
    for n in sorted(notes, key=lambda n: (n.month, n.id)):
        line = t("fu_note_by", text=n.text, by=followup_data.person(n.created_by))
        out.setdefault(n.month, []).append(f"{BY_ID[n.indicator].name(L)}: {line}" if named else line)
    return {m: " ｜ ".join(texts) for m, texts in out.items()}


def month_notes(q: Query, indicators: list[str] | tuple[str, ...]) -> dict[str, str]:
    """month → text of the notes on these indicators of q's unit (a chart's markers)."""
    unit = unit_of(q)
    found = [n for i in indicators for n in notes_on(i, [unit])]
    return notes_by_month(found, named=len(indicators) > 1)


def chart_notes(q: Query, indicator: str, labels: list[str]) -> dict[str, str]:
    """chart label (2026-03, or 2026Q1 by quarter) → text of the notes on q's unit falling in it,
    for the labels the chart draws."""
    out: dict[str, list[str]] = {}
    for month, text in month_notes(q, (indicator,)).items():
        label = month if month in labels else f"{month[:4]}Q{(int(month[5:]) - 1) // 3 + 1}"
        if label in labels:
            out.setdefault(label, []).append(text if label == month else f"{month}: {text}")
    return {k: " ｜ ".join(v) for k, v in out.items()}


def unit_notes(q: Query, indicator: str, rows: pd.DataFrame) -> list[str]:
    """For each row of a comparison (court_code, and division or judge_id when the level has them):
    the text of the notes on that unit's figure in q's period ("" for none)."""
    months = {f"{m.year}-{m.index:02d}" for m in q.period_obj.months()}
    found: dict[tuple, list[Note]] = {}
    for n in notes_on(indicator):
        if n.month in months:
            found.setdefault((n.unit.court, n.unit.division, n.unit.judge_id), []).append(n)
    if not found:  # the usual case: no note in the period, nothing to look up row by row
        return [""] * len(rows)
    out = []
    for r in rows[[c for c in ("court_code", "division", "judge_id") if c in rows.columns]].to_dict("records"):
        judge, division = (r.get(k) if isinstance(r.get(k), str) and r.get(k) else None for k in ("judge_id", "division"))
        key = (r.get("court_code"), None, judge) if judge else (r.get("court_code"), division, None)
        notes = notes_by_month(found.get(key, []))
        out.append(" ｜ ".join(f"{m}: {text}" for m, text in notes.items()))
    return out


def may_note() -> bool:
    access = current_access()
    return access is not None and (access.rule.sets_actions or access.rule.reports_progress)


def note_form(q: Query, indicator: str, months: list[str]) -> None:
    """Add a note on the chart's indicator and unit, at a month of the chart (roles that may)."""
    if not may_note() or not months:
        return
    L = lang()
    with st.expander(t("fu_note_add"), key="fu_note_open"):
        with st.form("fu_note_form", clear_on_submit=True, border=False):
            st.caption(tm("fu_note_about", indicator=BY_ID[indicator].name(L)))
            month = st.selectbox(t("fu_note_month"), months, index=len(months) - 1, key="fu_note_month")
            text = st.text_area(t("fu_note_text"), max_chars=500, key="fu_note_text")
            if st.form_submit_button(t("fu_note_save")):
                user = current_user()
                try:
                    add_note(cursor(), indicator=indicator, unit=unit_of(q), month=month, text=text,
                             by=user.username if user else "?", access=current_access())
                except (ActionError, AccessDenied) as e:
                    st.error(md(str(e)))
                else:
                    st.toast(t("fu_note_saved"))
                    st.rerun()
