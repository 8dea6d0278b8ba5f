"""Subscriptions delivered through a real SMTP server (aiosmtpd, started here): one run on a
Monday 08:00 sends each recipient exactly their messages, built as they see the pages; a second
run sends nothing; the server stopped mid-run and started again: every message arrives once.
The command line is run as an office runs it (`python -m report deliver`)."""
from __future__ import annotations

import datetime as dt
import email
import io
import os
import subprocess
import sys
import threading
from email import policy

import duckdb
import openpyxl
import pytest
from aiosmtpd.controller import Controller

from deploy.local import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MONDAY = "2026-10-05T08:00"  # the demo's data run to 2026-09-30
JUDGE1, JUDGE_COURT, DIVISION = "J0101006", "示0101", "民一庭"


class Inbox:
    """The SMTP server's side: every message taken, and a switch to refuse from the n-th on."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_from: int | None = None
        self.refused = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_from is not None and len(self.messages) >= self.refuse_from:
            self.refused.set()
            return "421 shutting down"
        m = email.message_from_bytes(envelope.original_content, policy=policy.default)
        m["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(m)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["X-Envelope-To"] == address]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", path, "--cases", "20000", "--quiet"],
                   cwd=ROOT, check=True)
    return path


@pytest.fixture(scope="module")
def judge2(db) -> tuple[str, str]:
    """Another judge of the same division with pending cases: (id, name)."""
    con = duckdb.connect(db, read_only=True)
    row = con.execute("SELECT judge_id, any_value(judge_name) FROM cases WHERE court_code = ? AND division = ? "
                      "AND judge_id <> ? AND closed_date IS NULL GROUP BY judge_id ORDER BY count(*) DESC LIMIT 1",
                      [JUDGE_COURT, DIVISION, JUDGE1]).fetchone()
    con.close()
    return row


def _users(path, judge2_id: str) -> None:
    path.write_text(f"""[settings]
demo_mode = false
[users.office]
name = "审管办"
role = "admin"
email = "office@court.example"
[users.leader]
name = "院领导"
role = "leader"
court = "示01"
email = "leader@court.example"
[users.line]
name = "民事条线庭长"
role = "line"
court = "示01"
category = "民事"
email = "line@court.example"
[users.head]
name = "民一庭庭长"
role = "head"
court = "{JUDGE_COURT}"
division = "{DIVISION}"
email = "head@court.example"
[users.judge1]
name = "法官一"
role = "judge"
court = "{JUDGE_COURT}"
division = "{DIVISION}"
judge_id = "{JUDGE1}"
email = "judge1@court.example"
[users.judge2]
name = "法官二"
role = "judge"
court = "{JUDGE_COURT}"
division = "{DIVISION}"
judge_id = "{judge2_id}"
email = "judge2@court.example"
""", encoding="utf-8")


SUBSCRIPTIONS = [("office", "pack_month", "zh"), ("office", "range_alert", "zh"), ("leader", "pack_quarter", "zh"),
                 ("leader", "range_alert", "zh"), ("line", "pack_month", "zh"), ("line", "range_alert", "zh"),
                 ("head", "due_weekly", "zh"), ("judge1", "due_weekly", "zh"), ("judge2", "due_weekly", "en")]
EXPECTED = {"office@court.example": 2, "leader@court.example": 2, "line@court.example": 2, "head@court.example": 1,
            "judge1@court.example": 1, "judge2@court.example": 1}


@pytest.fixture
def site(tmp_path, judge2, monkeypatch):
    """A fresh state, the users, an SMTP server; returns (env, inbox, start, stop)."""
    _users(tmp_path / "users.toml", judge2[0])
    inbox, port = Inbox(), free_port()
    env = {**os.environ, "SPZX_STATE": str(tmp_path / "state.sqlite"), "SPZX_USERS": str(tmp_path / "users.toml"),
           "SPZX_SMTP_HOST": "127.0.0.1", "SPZX_SMTP_PORT": str(port), "SPZX_SMTP_SECURITY": "none",
           "SPZX_MAIL_FROM": "spzx@court.example"}
    env.pop("SPZX_STATE_URL", None)
    for k in ("SPZX_STATE", "SPZX_USERS"):
        monkeypatch.setenv(k, env[k])
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    servers = []

    def start():
        c = Controller(inbox, hostname="127.0.0.1", port=port)
        c.start()
        servers.append(c)

    def stop():
        servers.pop().stop()
    start()
    for user, kind, lang in SUBSCRIPTIONS:
        cli(env, "subscriptions", "add", "--user", user, "--kind", kind, "--lang", lang)
    yield env, inbox, start, stop
    while servers:
        stop()


def cli(env, *args, check=True) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-m", "report", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=600)
    if check:
        assert p.returncode == 0, p.stderr + p.stdout
    return p


def deliver(env, db, now=MONDAY, check=True):
    return cli(env, "deliver", "--db", db, "--now", now, check=check)


def _texts(m) -> str:
    """The body and every attachment's text (cells of a workbook; a PDF through pdftotext)."""
    out = [m["Subject"], m.get_body(("plain",)).get_content()]
    for a in m.iter_attachments():
        data = a.get_content()
        if a.get_filename().endswith(".xlsx"):
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            out += [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
        elif a.get_filename().endswith(".pdf"):
            out.append(subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode())
    return "\n".join(out)


def _judges(db) -> dict[str, str]:
    con = duckdb.connect(db, read_only=True)
    rows = dict(con.execute("SELECT DISTINCT judge_id, judge_name FROM cases WHERE judge_name IS NOT NULL").fetchall())
    con.close()
    return rows


def _cases_of(db, where: str, params: list) -> set[str]:
    con = duckdb.connect(db, read_only=True)
    rows = {r[0] for r in con.execute(f"SELECT case_no FROM cases WHERE {where}", params).fetchall()}
    con.close()
    return rows


def _case_nos(text: str) -> set[str]:
    import re
    return set(re.findall(r"\(\d{4}\)[^\s()]+?号", text))


def test_one_monday_run_sends_each_their_own_once(site, db, judge2):
    env, inbox, _start, _stop = site
    deliver(env, db)
    got = {a: len(inbox.to(a)) for a in EXPECTED}
    assert got == EXPECTED
    # a second run, and one an hour later, send nothing
    deliver(env, db)
    deliver(env, db, "2026-10-05T09:00")
    assert len(inbox.messages) == sum(EXPECTED.values())

    judges = _judges(db)
    for address, judge_id in (("judge1@court.example", JUDGE1), ("judge2@court.example", judge2[0])):
        (m,) = inbox.to(address)
        text = _texts(m)
        listed = _case_nos(text)
        assert listed, "the due list names the judge's pending cases"
        assert listed <= _cases_of(db, "judge_id = ?", [judge_id])  # only their own
        others = {n for j, n in judges.items() if j != judge_id}
        assert not [n for n in others if n in text], "no other judge's real name"
        assert len([a for a in m.iter_attachments() if a.get_filename().endswith(".xlsx")]) == 1
    assert "Due list" in inbox.to("judge2@court.example")[0]["Subject"] or "due list" in \
        inbox.to("judge2@court.example")[0]["Subject"]  # the recipient's language
    (head,) = inbox.to("head@court.example")
    listed = _case_nos(_texts(head))
    assert listed <= _cases_of(db, "court_code = ? AND division = ?", [JUDGE_COURT, DIVISION])
    # the head's list names judges of the division, by their real names (a head sees them)
    ours = _judges_of(db, JUDGE_COURT, DIVISION)
    names = {n for j, n in judges.items() if j in ours}
    text = _texts(head)
    assert any(n in text for n in names)
    assert not [n for j, n in judges.items() if j not in ours and n not in names and n in text]


def _judges_of(db, court: str, division: str) -> set[str]:
    con = duckdb.connect(db, read_only=True)
    rows = {r[0] for r in con.execute("SELECT DISTINCT judge_id FROM cases WHERE court_code = ? AND division = ?",
                                      [court, division]).fetchall()}
    con.close()
    return rows


def test_packs_carry_the_scope_as_its_reader_sees_it(site, db):
    env, inbox, _start, _stop = site
    deliver(env, db)
    packs = {a: [m for m in inbox.to(a) if any(True for _ in m.iter_attachments())] for a in
             ("office@court.example", "leader@court.example", "line@court.example")}
    for address, (m,) in packs.items():
        names = sorted(a.get_filename() for a in m.iter_attachments())
        assert [n.rsplit(".", 1)[1] for n in names] == ["pdf", "xlsx"], names
    line_text = _texts(packs["line@court.example"][0])
    leader_text = _texts(packs["leader@court.example"][0])
    assert "2026年1—9月" in line_text and "2026年前三季度" in leader_text
    # the filters printed in the pack: the line head's category, the leader's every category
    assert "类别\n民事" in line_text and "类别\n全部" in leader_text
    # and the figures are those of the line head's category: 新收 as the metrics give it for 民事
    assert _received(db, "2026-09", "民事") != _received(db, "2026-09", None)
    assert f"新收{_received(db, '2026-09', '民事'):,}件" in line_text.replace(" ", "")
    assert f"新收{_received(db, '2026Q3', None):,}件" in leader_text.replace(" ", "")


def _received(db: str, period: str, category: str | None) -> int:
    """Cases received in the 示01 district over the year to the period's end, from the cases table."""
    from metrics import Period
    end = Period.parse(period, cumulative=True).end
    con = duckdb.connect(db, read_only=True)
    n = con.execute("SELECT count(*) FROM cases c JOIN court_tree t ON t.court_code = c.court_code "
                    "WHERE t.ancestor = '示01' AND c.counted AND c.filed_date BETWEEN ? AND ? "
                    + ("AND c.category = ?" if category else ""),
                    [dt.date(end.year, 1, 1), end] + ([category] if category else [])).fetchone()[0]
    con.close()
    return int(n)


def test_server_down_mid_run_every_message_arrives_once(site, db):
    env, inbox, start, stop = site
    inbox.refuse_from = 2  # the server takes two messages, refuses the third and goes away
    watcher = threading.Thread(target=lambda: (inbox.refused.wait(120), stop()))
    watcher.start()
    first = deliver(env, db, check=False)
    watcher.join()
    assert first.returncode == 1 and "失败 failed" in first.stdout
    assert len(inbox.messages) == 2
    inbox.refuse_from = None
    start()
    deliver(env, db, "2026-10-05T08:04", check=False)  # retry times not come yet: nothing more
    assert len(inbox.messages) == 2
    deliver(env, db, "2026-10-05T09:00")
    got = {a: len(inbox.to(a)) for a in EXPECTED}
    assert got == EXPECTED
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == len(set(ids))
    deliver(env, db, "2026-10-05T12:00")
    assert len(inbox.messages) == sum(EXPECTED.values())


def test_a_crash_mid_send_is_not_sent_again_but_shown(site, db):
    """A sender that died after claiming a message: the next run (15 minutes on) marks it
    uncertain — the channel may have taken it — and sends it only when the office says so."""
    env, inbox, _start, _stop = site
    from delivery import log, subscriptions

    judge = next(s for s in subscriptions.active("judge1") if s.kind == "due_weekly")
    assert log.claim(judge.id, "week:2026-10-05", "dead-sender", dt.datetime(2026, 10, 5, 8, 0),
                     {"week": "2026-10-05"}) == 0
    from security import audit
    with audit.change() as change:  # the sender died 20 minutes ago, its claim left behind
        change.run("UPDATE delivery_log SET claimed_at = ? WHERE claimed_by = 'dead-sender'",
                   ((dt.datetime.now() - dt.timedelta(minutes=20)).isoformat(timespec="seconds"),))
    p = deliver(env, db, "2026-10-05T08:30", check=False)
    assert p.returncode == 1 and "uncertain" in p.stdout
    assert inbox.to("judge1@court.example") == []
    (entry,) = log.entries(("uncertain",))
    assert entry.key == f"{judge.id}:week:2026-10-05"
    cli(env, "subscriptions", "resend", entry.key)
    deliver(env, db, "2026-10-05T08:40")
    assert len(inbox.to("judge1@court.example")) == 1
    audit = cli(env.copy(), "deliver", "--db", db, "--now", "2026-10-05T08:50").stdout
    assert "sent 0" in audit
