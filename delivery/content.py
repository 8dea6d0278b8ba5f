"""What each kind of subscription is due and what its message says, built as its recipient sees
the pages: every figure and case through the recipient's scope (Recipient.home), in their
language, other judges anonymous where their role says so. `due_*` lists the occurrences due
now that the log has not seen; `build_*` makes one message, or None when the scope holds no
data (the office is told, nothing is sent)."""
from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd

from followup.actions import standings, visible_items
from metrics import inventory
from metrics.api import indicator_table
from metrics.catalogue import BY_ID, View, in_view
from metrics.evaluation import load_config
from metrics.periods import Period
from metrics.warnings import counted_from_today, warning_list
from present import format as fmt
from present.followup_table import status_text, unit_text
from present.text import category, tr
from present.theme import falls_short
from present.xlsx import workbook
from report.briefing import scope_name

from .message import Attachment, Message
from .model import Occurrence
from .recipient import Recipient

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
SOON_DAYS = 7        # a case coming within this many days of its limit is told at once
LISTED_DAYS = 30     # the weekly list's body names the cases due within this (all are in the attachment)
WEEKLY_AT = dt.time(8, 0)
TURNS = ("at_risk", "overdue")  # an action item turning to these is told


def _fresh(r: Recipient, name: str) -> bool:
    """Not yet in the log at all (a failed one is retried by the runner when its time comes)."""
    return not any(p.occurrence == name for p in r.past)


# ---- the meeting pack: briefing (PDF) and Excel pack of the user's scope, once the period's data is in

def last_complete(kind: str, day: dt.date) -> Period:
    """The latest month or quarter whose data is complete on `day` (its last day reached)."""
    nxt = day + dt.timedelta(days=1)
    if kind == "month":
        end = dt.date(nxt.year, nxt.month, 1) - dt.timedelta(days=1)
        return Period("month", end.year, end.month, cumulative=True)
    q_start = dt.date(nxt.year, 3 * ((nxt.month - 1) // 3) + 1, 1)
    end = q_start - dt.timedelta(days=1)
    return Period("quarter", end.year, (end.month - 1) // 3 + 1, cumulative=True)


def due_pack(kind: str):
    def due(r: Recipient) -> list[Occurrence]:
        period = last_complete(kind, r.data_date())
        name = f"pack:{period.label}"
        return [Occurrence(name, {"period": period.label})] if _fresh(r, name) else []
    return due


def build_pack(r: Recipient, occ: Occurrence) -> Message | None:
    # recipients who see alike (the same Access) get the same pack: made once per run
    return r.once(("pack", r.access, occ.detail["period"], r.lang), lambda: _pack(r, occ))


def _pack(r: Recipient, occ: Occurrence) -> Message | None:
    from report.briefing import build, to_xlsx
    from report.pdf import to_pdf

    q = r.home(occ.detail["period"], cumulative=True)
    b = build(r.con, q.scope, q.period_obj, load_config(), lang=r.lang, access=r.access,
              teams="team" in r.access.rule.compare_levels)
    if not b.headline["denominator"].fillna(0).any() and not b.headline["numerator"].fillna(0).any():
        return None
    name = tr("b_file", r.lang, scope=b.scope_name, period=occ.detail["period"])
    lines = [b.summary, ""] + [tr("dl_filter_line", r.lang, name=k, value=v) for k, v in b.filters.items()]
    return Message(b.title, lines + ["", tr("dl_pack_attached", r.lang)],
                   [Attachment(f"{name}.pdf", PDF, to_pdf(b)), Attachment(f"{name}.xlsx", XLSX, to_xlsx(b))])


# ---- due lists: weekly (Monday 08:00) and when a case comes within SOON_DAYS of its limit

def _pending(r: Recipient) -> tuple[pd.DataFrame, dt.date]:
    # asked by a kind's due_* and again by its build_*: made once per run
    return r.once(("pending", r.user.username, r.sub.id), lambda: _pending_now(r))


def _pending_now(r: Recipient) -> tuple[pd.DataFrame, dt.date]:
    q = r.home(cases=True)
    day = r.data_date()
    pending = counted_from_today(warning_list(r.con, q.scope, day, "pending"), day, r.today)
    salt = hashlib.sha256(f"{r.user.username}|{r.sub.id}".encode()).hexdigest()
    return r.access.anonymise(pending, name_column="judge_name", salt=salt), day


def due_weekly(r: Recipient) -> list[Occurrence]:
    monday = r.today - dt.timedelta(days=r.today.weekday())
    name = f"week:{monday.isoformat()}"
    if r.now < dt.datetime.combine(monday, WEEKLY_AT) or not _fresh(r, name):
        return []
    return [Occurrence(name, {"week": monday.isoformat()})]


def _case_lines(frame: pd.DataFrame, lang: str, with_judge: bool) -> list[str]:
    out = []
    for c in frame.to_dict("records"):
        left = c["days_left_today"]
        when = tr("dl_days_over", lang, n=-int(left)) if left < 0 else tr("dl_days_left", lang, n=int(left))
        judge = f" · {c['judge_name']}" if with_judge else ""
        out.append(f"{c['due_date']}  {when}  {c['case_no']}  {c['cause']}{judge}")
    return out


def _pending_sheet(frame: pd.DataFrame, lang: str, with_judge: bool) -> bytes:
    cols = ["due_date", "days_left_today", "case_no", "case_type", "procedure", "cause", "filed_date"]
    cols += ["judge_name"] if with_judge else []
    out = frame[cols].rename(columns={c: tr(f"dl_col_{c}", lang) for c in cols})
    return workbook({tr("dl_sheet_pending", lang): out}, {})


def build_weekly(r: Recipient, occ: Occurrence) -> Message | None:
    pending, day = _pending(r)
    with_judge = not r.access.rule.own_cases_only
    left = pending["days_left_today"]
    soon = pending[left <= LISTED_DAYS]
    lines = [tr("dl_weekly_counts", r.lang, day=day, n=len(pending), over=int((left < 0).sum()),
                soon=int(left.between(0, SOON_DAYS).sum()), days=SOON_DAYS), ""]
    if len(soon):
        lines += [tr("dl_weekly_listed", r.lang, days=LISTED_DAYS)] + _case_lines(soon, r.lang, with_judge)
    lines += ["", tr("dl_counted_from", r.lang, today=r.today, day=day)]
    attachments = [Attachment(tr("dl_pending_file", r.lang, week=occ.detail["week"]) + ".xlsx", XLSX,
                              _pending_sheet(pending, r.lang, with_judge))] if len(pending) else []
    return Message(tr("dl_weekly_subject", r.lang, week=occ.detail["week"], name=r.user.name), lines, attachments)


def due_soon(r: Recipient) -> list[Occurrence]:
    pending, _ = _pending(r)
    told = {c for p in r.sent("soon:") for c in p.detail.get("cases", [])}
    near = pending[pending["days_left_today"].between(0, SOON_DAYS)]
    new = sorted(set(near["case_no"]) - told)
    if not new:
        return []
    name = f"soon:{r.today.isoformat()}:{hashlib.sha256('|'.join(new).encode()).hexdigest()[:10]}"
    return [Occurrence(name, {"cases": new})]


def build_soon(r: Recipient, occ: Occurrence) -> Message | None:
    pending, day = _pending(r)
    these = pending[pending["case_no"].isin(occ.detail["cases"])]
    if these.empty:
        return None
    lines = [tr("dl_soon_intro", r.lang, n=len(these), days=SOON_DAYS), ""]
    lines += _case_lines(these, r.lang, not r.access.rule.own_cases_only)
    lines += ["", tr("dl_counted_from", r.lang, today=r.today, day=day)]
    return Message(tr("dl_soon_subject", r.lang, n=len(these), days=SOON_DAYS), lines, [])


# ---- alerts: an indicator of the scope leaves its range at a data refresh

def _outside(r: Recipient) -> tuple[pd.DataFrame, str]:
    return r.once(("outside", r.access), lambda: _outside_now(r))


def _outside_now(r: Recipient) -> tuple[pd.DataFrame, str]:
    day = r.data_date()
    q = r.home(f"{day.year}-{day.month:02d}", cumulative=True)
    table = indicator_table(r.con, q.period_obj, q.scope, None, in_view(View.BRIEFING), load_config())
    short = table[[falls_short(s, side) for s, side in zip(table["status"], table["side"])]]
    return short, day.isoformat()


def due_range(r: Recipient) -> list[Occurrence]:
    short, day = _outside(r)
    name = f"range:{day}"
    if any(p.occurrence == name for p in r.past):
        return []
    before = [p for p in r.sent("range:") if p.occurrence < name]
    was = set(before[-1].detail.get("outside", [])) if before else set()
    outside = sorted(short["indicator"])
    left = [i for i in outside if i not in was]
    return [Occurrence(name, {"outside": outside, "left": left, "day": day}, quiet=not left)]


def build_range(r: Recipient, occ: Occurrence) -> Message | None:
    short, day = _outside(r)
    short = short[short["indicator"].isin(occ.detail["left"])]
    if short.empty:
        return None
    home = r.home().scope
    scope = scope_name(r.con, home, r.lang) + (f" · {category(home.category, r.lang)}" if home.category else "")
    lines = [tr("dl_range_intro", r.lang, scope=scope, day=day), ""]
    for row in short.to_dict("records"):
        ind = BY_ID[row["indicator"]]
        v = lambda x: fmt.value(ind, x, r.lang)  # noqa: E731
        lines.append(tr("dl_range_line", r.lang, name=ind.name(r.lang), value=v(row["value"]),
                        low=v(row["low"]), high=v(row["high"])))
    return Message(tr("dl_range_subject", r.lang, n=len(short), scope=scope, day=day), lines, [])


# ---- alerts: an action item of the meeting loop turns 有风险 or 已逾期

def _turned(r: Recipient) -> list:
    return r.once(("turned", r.access), lambda: _turned_now(r))


def _turned_now(r: Recipient) -> list:
    items = [i for i in visible_items(r.con, r.access) if not i.closed_at]
    return [s for s in standings(r.con, items, r.today) if s.status in TURNS]


def due_actions(r: Recipient) -> list[Occurrence]:
    out = []
    for s in _turned(r):
        name = f"action:{s.item.id}:{s.status}"
        if _fresh(r, name):
            out.append(Occurrence(name, {"item": s.item.id, "status": s.status}))
    return out


def build_action(r: Recipient, occ: Occurrence) -> Message | None:
    found = [s for s in _turned(r) if s.item.id == occ.detail["item"] and s.status == occ.detail["status"]]
    if not found:
        return None  # it moved on since: nothing to tell
    s = found[0]
    ind = BY_ID[s.item.indicator]
    courts = inventory.courts(r.con)
    courts = dict(zip(courts["court_code"], courts["court_name"]))
    unit = unit_text(s.item.unit, courts, {}, r.lang)
    status = status_text(s.status, r.lang)
    lines = [tr("dl_action_line", r.lang, id=s.item.id, indicator=ind.name(r.lang), unit=unit, status=status,
                target=s.item.target, due=s.item.due, now=fmt.value(ind, s.value_now, r.lang),
                meeting=s.item.meeting)]
    return Message(tr("dl_action_subject", r.lang, id=s.item.id, status=status, indicator=ind.name(r.lang)),
                   lines, [])
