"""The calendar of time limits (issue 26): a per-user secret token kept as its hash, issued,
replaced and revoked with audit entries; the .ics holds exactly the pending cases the user's
role lists (a judge their own — no other judge's case, name or id —, a division head their
division's), each on its due date with a reminder, in valid RFC 5545 text; and the server's
route answers a good token with the calendar and an unknown or revoked one with the same 404,
a revoked one recorded in the audit log."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import duckdb
import pytest

from delivery import calendar, tokens
from metrics.access import Access
from metrics.engine import Scope
from metrics.inventory import court_dates, scope_dates
from metrics.warnings import counted_from_today, warning_list
from security import audit
from security.state import store
from security.users import User, load_users
from tests.helpers import ROOT

TODAY = dt.date.today()
JUDGE = User("judge_a", "法官甲", Access("judge", court="示0101", division="民一庭", judge_id="J0101006"))
HEAD = User("head_a", "庭长甲", Access("head", court="示0101", division="民一庭"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    where = tmp_path_factory.mktemp("calendar")
    db = str(where / "demo.duckdb")
    env = {k: v for k, v in os.environ.items() if k not in ("SPZX_STATE_URL", "SPZX_SECRET")}
    env["SPZX_STATE"] = str(where / "generate-state.sqlite")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "30000", "--quiet"],
                   cwd=ROOT, env=env, check=True, timeout=300)
    return db


@pytest.fixture
def state(tmp_path, monkeypatch) -> str:
    path = str(tmp_path / "state.sqlite")
    monkeypatch.setenv("SPZX_STATE", path)
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_SECRET", raising=False)
    return path


@pytest.fixture
def con(demo):
    c = duckdb.connect(demo, read_only=True)
    yield c
    c.close()


# ---- reading an .ics back by hand (RFC 5545: CRLF lines, folded with CRLF + one space)

def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "every line ends in CRLF"
    for physical in text.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= 75, physical
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def events(text: str) -> list[dict[str, str]]:
    """Each VEVENT as {property (with its parameters): raw value}, its VALARM's as ALARM:…; the
    whole structure checked: BEGIN/END balanced, one calendar."""
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    stack, out, current = [], [], None
    for line in lines:
        name, _, value = line.partition(":")
        assert _, line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                out.append(current)
                current = None
        elif current is not None:
            current[("ALARM:" if stack[-1] == "VALARM" else "") + name] = value
    assert not stack
    return out


def header(text: str) -> dict[str, str]:
    return dict(line.partition(":")[::2] for line in unfold(text) if not line.startswith(("BEGIN", "END")))


def case_no_of(event: dict) -> str:
    summary = unescape(event["SUMMARY"])
    assert summary.startswith(("审限届满：", "Time limit: ")), summary
    return summary.split("：", 1)[1] if "：" in summary else summary.split(": ", 1)[1]


def pending(con, scope: Scope) -> dict[str, dt.date]:
    """case_no → due date, as the 我的案件 page lists the pending cases."""
    stored = dt.date.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'data_date'").fetchone()[0])
    as_of = scope_dates(court_dates(con, TODAY), scope.court, False, stored).through  # the court's data date
    frame = counted_from_today(warning_list(con, scope, as_of, "pending"), as_of, TODAY)
    return dict(zip(frame["case_no"], frame["due_date"]))


# ---- tokens

def test_a_token_is_kept_as_its_hash_and_reads_as_its_user(state):
    token = tokens.issue("judge_a", "office")
    assert len(token) >= 43 and tokens.user_of(token) == "judge_a" and tokens.active("judge_a")
    rows = store().read("SELECT token_hash, username, created_by, revoked_at FROM calendar_tokens")
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(), "judge_a", "office", None)]
    entry = audit.entries(5)[0]
    assert entry[1:] == ("office", "calendar_token_issued", json.dumps({"user": "judge_a"}))
    assert token not in json.dumps(audit.entries(100)) and audit.verify().holds


def test_a_new_token_ends_the_old_one(state):
    old = tokens.issue("judge_a", "judge_a")
    new = tokens.issue("judge_a", "judge_a")
    assert tokens.user_of(old) is None and tokens.user_of(new) == "judge_a"
    assert store().read("SELECT count(*) FROM calendar_tokens WHERE username = ? AND revoked_at IS NULL",
                        ("judge_a",)) == [(1,)]
    other = tokens.issue("head_a", "head_a")  # another user's token is untouched
    assert tokens.user_of(new) == "judge_a" and tokens.user_of(other) == "head_a"


def test_revoked_and_unknown_tokens_read_as_nobody(state):
    token = tokens.issue("judge_a", "judge_a")
    assert tokens.revoke("judge_a", "office") is True
    assert tokens.user_of(token) is None and not tokens.active("judge_a") and tokens.issued_at("judge_a") is None
    assert audit.entries(5)[0][1:3] == ("office", "calendar_token_revoked")
    assert tokens.revoke("judge_a", "office") is False  # nothing to revoke: nothing written
    assert audit.entries(5)[0][2] == "calendar_token_revoked" and len(audit.entries(100)) == 2
    for guess in ("", "x", "A" * 43, "../../etc/passwd", token + "x", "' OR 1=1 --" + "a" * 40):
        assert tokens.user_of(guess) is None and tokens.resolve(guess) is None
    assert len(audit.entries(100)) == 2  # a guess is not recorded


def test_a_revoked_token_used_is_recorded_without_its_text(state):
    token = tokens.issue("judge_a", "judge_a")
    tokens.revoke("judge_a", "judge_a")
    assert tokens.resolve(token) is None
    entry = audit.entries(5)[0]
    assert entry[2:] == ("calendar_token_refused", json.dumps({"user": "judge_a"}))
    assert token not in json.dumps(audit.entries(100))


def test_the_audit_page_words_the_calendar_events():
    from present.audit_text import detail_text, event_name

    assert event_name("calendar_token_refused", "zh") == "拒绝已作废的日历链接"
    assert event_name("calendar_token_issued", "en") == "Calendar link made"
    assert detail_text("calendar_token_revoked", json.dumps({"user": "judge_a"}), "zh") == "账户 judge_a 的审限日历"
    assert detail_text("calendar_token_revoked", json.dumps({"user": "judge_a"}), "en") == "calendar of account judge_a"


# ---- the .ics

def test_text_values_are_escaped_and_lines_folded_at_75_octets():
    assert calendar.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "审" * 60 + "x" * 30
    folded = calendar.fold(line)
    assert folded.endswith("\r\n") and all(len(p.encode()) <= 75 for p in folded[:-2].split("\r\n"))
    assert folded[:-2].replace("\r\n ", "") == line  # unfolds to the line, no character cut


def test_a_judges_calendar_holds_exactly_their_pending_cases(con):
    text = calendar.ics_for(con, JUDGE, TODAY, now=dt.datetime(2026, 12, 6, 1, 2, 3, tzinfo=dt.timezone.utc))
    got = events(text)
    want = pending(con, Scope(court="示0101", division="民一庭", judge_id="J0101006"))
    assert len(want) >= 3, "the demo judge has pending cases"
    assert {case_no_of(e): e["DTSTART;VALUE=DATE"] for e in got} == {k: f"{d:%Y%m%d}" for k, d in want.items()}
    owners = dict(con.execute("SELECT case_no, judge_id FROM cases WHERE case_no IN (SELECT unnest(?))",
                              [list(want)]).fetchall())
    assert set(owners.values()) == {"J0101006"}
    for e in got:
        due = dt.datetime.strptime(e["DTSTART;VALUE=DATE"], "%Y%m%d").date()
        assert e["DTEND;VALUE=DATE"] == f"{due + dt.timedelta(days=1):%Y%m%d}"
        assert e["DTSTAMP"] == "20261206T010203Z" and e["ALARM:TRIGGER"] == "-P7D" and e["ALARM:ACTION"] == "DISPLAY"
        assert e["UID"] == calendar.uid("示0101", case_no_of(e))
    assert len({e["UID"] for e in got}) == len(got)
    top = header(text)
    assert top["VERSION"] == "2.0" and top["PRODID"] and unescape(top["X-WR-CALNAME"]) == "审限日历 · 法官甲"


def test_no_other_judges_case_name_or_id_in_a_judges_calendar(con):
    text = "\n".join(unescape(line) for line in unfold(calendar.ics_for(con, JUDGE, TODAY)))
    others = con.execute("SELECT DISTINCT judge_id, judge_name FROM cases WHERE judge_id <> 'J0101006'").fetchall()
    own_name = con.execute("SELECT any_value(judge_name) FROM cases WHERE judge_id = 'J0101006'").fetchone()[0]
    assert len(others) > 50
    leaked = [(i, n) for i, n in others if i in text or (n and n not in own_name and n in text)]
    assert not leaked, leaked
    assert "承办法官" not in text  # a judge's own name on each event would say nothing
    foreign = con.execute("SELECT case_no FROM cases WHERE judge_id <> 'J0101006'").fetchall()
    assert not [c for (c,) in foreign if f"：{c}\n" in text + "\n"]


def test_a_division_heads_calendar_holds_the_divisions_cases_with_names(con):
    got = events(calendar.ics_for(con, HEAD, TODAY))
    want = pending(con, Scope(court="示0101", division="民一庭"))
    assert {case_no_of(e) for e in got} == set(want)
    judges = dict(con.execute("SELECT case_no, judge_name FROM cases WHERE case_no IN (SELECT unnest(?))",
                              [list(want)]).fetchall())
    assert len(set(judges.values())) > 1, "the division has several judges"
    for e in got:  # a head sees the division's judges by name, as on the pages
        assert f"承办法官：{judges[case_no_of(e)]}" in unescape(e["DESCRIPTION"])
    divisions = con.execute("SELECT DISTINCT court_code::VARCHAR, division FROM cases WHERE case_no IN (SELECT unnest(?))",
                            [list(want)]).fetchall()
    assert divisions == [("示0101", "民一庭")]


def test_english_events(con):
    got = events(calendar.ics_for(con, JUDGE, TODAY, "en"))
    assert got and all(unescape(e["SUMMARY"]).startswith("Time limit: ") for e in got)
    assert all("Time limit ends: " in unescape(e["DESCRIPTION"]) for e in got)


@pytest.mark.parametrize("user", [
    User("leader_a", "院领导", Access("leader", court="示01")),
    User("line_a", "条线", Access("line", court="示01", category="民事")),
    User("office_a", "审管办", Access("admin")),
])
def test_roles_reaching_whole_courts_get_no_calendar(con, user):
    assert calendar.refusal(user)
    with pytest.raises(calendar.CalendarRefused, match="本人案件或本部门"):
        calendar.ics_for(con, user, TODAY)


def test_commas_semicolons_and_backslashes_in_case_numbers_and_causes_are_escaped(demo, tmp_path):
    db = str(tmp_path / "odd.duckdb")
    shutil.copy(demo, db)
    with duckdb.connect(db) as c:
        first = sorted(pending(c, Scope(court="示0101", division="民一庭", judge_id="J0101006")))[0]
        c.execute("UPDATE cases SET case_no = ?, cause = ? WHERE case_no = ?", ["(2026)示0101民初1,2;3\\4号",
                                                                               "借款,合同;纠纷\\其他", first])
    with duckdb.connect(db, read_only=True) as c:
        text = calendar.ics_for(c, JUDGE, TODAY)
    lines = unfold(text)
    assert "SUMMARY:审限届满：(2026)示0101民初1\\,2\\;3\\\\4号" in lines
    odd = next(e for e in events(text) if case_no_of(e) == "(2026)示0101民初1,2;3\\4号")
    assert "案由：借款\\,合同\\;纠纷\\\\其他\\n" in odd["DESCRIPTION"]
    assert "案由：借款,合同;纠纷\\其他\n" in unescape(odd["DESCRIPTION"])


# ---- the route, through the real server (one start for the module)

@pytest.fixture(scope="module")
def server(demo):
    from tests.browser.conftest import start_server, stop_server

    url, proc = start_server(demo, log_name="streamlit_calendar.log")
    yield url
    stop_server(proc)


def _get(url: str) -> tuple[int, "email.message.Message", str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8")


@pytest.fixture
def server_state(demo, monkeypatch):
    """This process writes the state the server reads (start_server puts it beside the database)."""
    monkeypatch.setenv("SPZX_STATE", os.path.join(os.path.dirname(demo), "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_SECRET", raising=False)


def test_the_route_serves_the_calendar_and_refuses_unknown_and_revoked_tokens(server, server_state, con):
    demo_judge = load_users().users["demo_judge"]
    token = tokens.issue("demo_judge", "demo_judge")
    status, headers, body = _get(f"{server}/calendar/{token}.ics")
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/calendar") and headers["Cache-Control"] == "no-store"
    want = pending(con, Scope(court=demo_judge.access.court, division=demo_judge.access.division,
                              judge_id=demo_judge.access.judge_id))
    assert {case_no_of(e) for e in events(body)} == set(want)
    status, _, body_en = _get(f"{server}/calendar/{token}.ics?lang=en")
    assert status == 200 and "SUMMARY:Time limit: " in body_en

    unknown = _get(f"{server}/calendar/{'A' * 43}.ics")
    before = len(audit.entries(1000))
    tokens.revoke("demo_judge", "demo_judge")
    revoked = _get(f"{server}/calendar/{token}.ics")
    assert unknown[0] == revoked[0] == 404 and unknown[2] == revoked[2]  # no hint which
    assert revoked[1]["Content-Type"].startswith("text/plain") and revoked[1]["Cache-Control"] == "no-store"
    newest = audit.entries(5)
    assert len(audit.entries(1000)) == before + 2  # the revocation and the refusal
    assert newest[0][2:] == ("calendar_token_refused", json.dumps({"user": "demo_judge"}))
    assert token not in json.dumps(audit.entries(1000)) and audit.verify().holds


def test_the_route_refuses_a_role_without_a_calendar(server, server_state):
    token = tokens.issue("demo_leader", "demo_leader")
    status, headers, body = _get(f"{server}/calendar/{token}.ics")
    assert status == 403 and "本人案件或本部门" in body and headers["Content-Type"].startswith("text/plain")


# ---- the panel a page shows (AppTest: the panel alone, as the 订阅 page will call it)

PANEL = """
import streamlit as st
from ui.calendar_panel import calendar_panel
calendar_panel(st.session_state["panel_user"], "https://spzx.example/")
"""


def _panel(demo, username: str, language: str = "中文"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(PANEL, default_timeout=60)
    at.session_state["lang"] = language
    at.session_state["panel_user"] = username
    at.session_state["_user"] = username
    return at.run()


def test_the_panel_makes_a_link_once_and_revokes_it(demo, state, monkeypatch):
    monkeypatch.setenv("SPZX_DB", demo)
    at = _panel(demo, "demo_judge")
    assert not at.exception and [i.value for i in at.info] == ["尚无有效的日历链接。"]
    at.button(key="calendar_new_demo_judge").click().run()
    (shown,) = [c.value for c in at.code]
    token = re.fullmatch(r"https://spzx\.example/calendar/([A-Za-z0-9_\-]+)\.ics", shown).group(1)
    assert tokens.user_of(token) == "demo_judge" and at.info[0].value.startswith("已有有效的日历链接")
    at.run()  # any later run: the secret is not shown again
    assert not at.code and tokens.user_of(token) == "demo_judge"
    at.button(key="calendar_revoke_demo_judge").click().run()
    assert tokens.user_of(token) is None and [i.value for i in at.info] == ["尚无有效的日历链接。"]
    assert [e[2] for e in audit.entries(10)] == ["calendar_token_revoked", "calendar_token_issued"]


def test_the_panel_offers_no_link_to_a_role_without_a_calendar(demo, state, monkeypatch):
    monkeypatch.setenv("SPZX_DB", demo)
    at = _panel(demo, "demo_leader")
    assert not at.exception and not at.button and "本人案件或本部门" in at.info[0].value


def test_the_panel_in_english_links_the_english_calendar(demo, state, monkeypatch):
    monkeypatch.setenv("SPZX_DB", demo)
    at = _panel(demo, "demo_head", "English")
    assert [i.value for i in at.info] == ["No calendar link is active."]
    at.button(key="calendar_new_demo_head").click().run()
    assert re.fullmatch(r"https://spzx\.example/calendar/[A-Za-z0-9_\-]+\.ics\?lang=en", at.code[0].value)


def test_the_feed_answers_404_for_an_account_gone_or_a_demo_account_off_demo(demo, state, tmp_path, monkeypatch):
    token = tokens.issue("demo_judge", "demo_judge")
    assert calendar.feed(token, demo, TODAY)[0] == 200
    from security.users import DEFAULT_USERS

    users = tmp_path / "users.toml"
    users.write_text(open(DEFAULT_USERS, encoding="utf-8").read().replace("demo_mode = true", "demo_mode = false"),
                     encoding="utf-8")
    monkeypatch.setenv("SPZX_USERS", str(users))
    assert calendar.feed(token, demo, TODAY) == (404, "日历链接无效 / calendar link not valid\n")
    users.write_text("[settings]\ndemo_mode = true\n", encoding="utf-8")  # the account removed
    assert calendar.feed(token, demo, TODAY)[0] == 404
    monkeypatch.delenv("SPZX_USERS")
    assert calendar.feed(token, str(tmp_path / "missing.duckdb"), TODAY)[0] == 503


def test_tokens_in_either_state_backend(backend):
    """The same SQL in SQLite and PostgreSQL: issue, replace, revoke, a revoked token's use recorded."""
    old = tokens.issue("judge_a", "office")
    new = tokens.issue("judge_a", "office")
    assert tokens.user_of(old) is None and tokens.user_of(new) == "judge_a" and tokens.active("judge_a")
    assert tokens.revoke("judge_a", "office") and tokens.resolve(new) is None and not tokens.active("judge_a")
    assert [e[2] for e in audit.entries(10)] == ["calendar_token_refused", "calendar_token_revoked",
                                                 "calendar_token_issued", "calendar_token_issued"]
    assert audit.verify().holds
