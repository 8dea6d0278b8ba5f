"""A user's time limits as an iCalendar feed (RFC 5545): one all-day event per pending case on the
day its time limit ends, with a reminder 7 days before, for a calendar program to subscribe to.

Built as the recipient would see the 我的案件 page: the scope goes through `Query.authorised`
(metrics/query.py), so a judge's calendar holds only their own cases and a division head's the
division's, other judges named as the role shows them (Access.anonymise). Roles whose case lists
reach whole courts get no calendar: their pending cases are thousands of events, not a reminder."""
from __future__ import annotations

import datetime as dt
import hashlib

import duckdb

from metrics.db import attach_read_only, reader
from metrics.inventory import court_dates, meta, scope_dates
from metrics.query import Query
from metrics.warnings import counted_from_today, warning_list
from present.text import tr
from security.keys import keyed
from security.users import User, load_users

from . import tokens

ALARM_DAYS = 7
_FOLD = 75  # octets per line, CRLF not counted (RFC 5545 3.1)


class CalendarRefused(ValueError):
    """A user whose role has no calendar; the message names why, in both languages."""


def refusal(user: User) -> str | None:
    """Why this user gets no calendar, or None: only users whose case lists are bounded to their own
    cases or to one division (decided by the role's attributes, never its name)."""
    access = user.access
    if access.rule.own_cases_only or not access.district_wide:
        return None
    return f"{tr('calendar_refused', 'zh')} / {tr('calendar_refused', 'en')}"


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma escaped; a line break as \\n."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets, never inside a UTF-8 character; CRLF-terminated."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = _FOLD if not out else _FOLD - 1  # a continuation line begins with one space
        if size + n > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out) + "\r\n"


def uid(court_code: str, case_no: str) -> str:
    """Stable per case, so a calendar program updates the event instead of adding another."""
    return hashlib.sha256(f"{court_code}|{case_no}".encode("utf-8")).hexdigest()[:32] + "@spzx"


def _pending(con: duckdb.DuckDBPyConnection, user: User, today: dt.date, lang: str):
    """The user's pending cases on their scope's data date, with due dates, as the pages list them."""
    access = user.access
    stored = dt.date.fromisoformat(meta(con, today)["data_date"])
    as_of = scope_dates(court_dates(con, today), access.court, False, stored).through
    q = Query(viewer=access, period=str(as_of.year), as_of=as_of).narrow(
        district=False, division=access.division, judge_id=access.judge_id).authorised(con, cases=True)
    frame = warning_list(con, q.scope, as_of, "pending")
    salt = keyed("judge_alias", f"{access.role}|{access.court}|{access.division}|{access.judge_id}|{as_of.year}")
    frame = access.anonymise(frame, "judge_id", "judge_name", salt, tr("judge_alias", lang))
    return counted_from_today(frame, as_of, today), as_of


def _event(row: dict, lang: str, as_of: dt.date, stamp: str, with_judge: bool) -> list[str]:
    due: dt.date = row["due_date"]
    lines = [tr("calendar_desc", lang, court=row["court_name"] or row["court_code"], case_no=row["case_no"],
                case_type=row["case_type"], cause=row["cause"] or "—", filed=row["filed_date"], due=due, as_of=as_of)]
    if with_judge:
        lines.append(tr("calendar_desc_judge", lang, name=row["judge_name"] or "—"))
    summary = tr("calendar_summary", lang, case_no=row["case_no"])
    return ["BEGIN:VEVENT",
            f"UID:{uid(row['court_code'], row['case_no'])}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(summary)}",
            f"DESCRIPTION:{escape(chr(10).join(lines))}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"TRIGGER:-P{ALARM_DAYS}D",
            f"DESCRIPTION:{escape(summary)}",
            "END:VALARM",
            "END:VEVENT"]


def ics_for(con: duckdb.DuckDBPyConnection, user: User, today: dt.date, lang: str = "zh",
            now: dt.datetime | None = None) -> str:
    """The user's calendar as iCalendar text (CRLF lines, folded); CalendarRefused for a role without one."""
    why = refusal(user)
    if why:
        raise CalendarRefused(why)
    frame, as_of = _pending(con, user, today, lang)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    with_judge = not user.access.rule.own_cases_only  # a judge's own name on every event says nothing
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//spzx//审判质效看板//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(tr('calendar_name', lang, name=user.name))}",
             "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H"]
    for row in frame.to_dict("records"):
        if row["due_date"] is not None:
            lines += _event(row, lang, as_of, stamp, with_judge)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


# ---- the feed behind GET /calendar/<token>.ics (serve.py)

def _both(key: str) -> str:
    return f"{tr(key, 'zh')} / {tr(key, 'en')}\n"


def feed(token: str, db: str, today: dt.date, lang: str = "zh") -> tuple[int, str]:
    """(HTTP status, body) for a calendar URL: 200 and the calendar; 404 alike for an unknown token,
    a revoked one (recorded in the audit log by tokens.resolve) or an account no longer in the users
    file, so the answer tells a guesser nothing; 403 for a role without a calendar; 503 when the
    case database cannot be read. The database is read read-only, as the pages read it."""
    username = tokens.resolve(token)
    config = load_users()
    user = config.users.get(username) if username else None
    if user is None or (user.demo and not config.demo_mode):
        return 404, _both("calendar_not_found")
    if refusal(user):
        return 403, refusal(user) + "\n"  # said plainly: the link is the user's own, nothing to hide
    try:
        con = attach_read_only(db)
    except (duckdb.Error, OSError):
        return 503, _both("calendar_unavailable")
    try:
        cur = reader(con)
        if user.demo and meta(cur, today).get("kind") != "demo":  # as at sign-in: demo accounts read demo data only
            return 404, _both("calendar_not_found")
        return 200, ics_for(cur, user, today, "en" if lang == "en" else "zh")
    except duckdb.Error:
        return 503, _both("calendar_unavailable")
    finally:
        con.close()
