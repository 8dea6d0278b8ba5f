"""Deliveries' rules, run in-process against a real state and a local HTTP server: who may have
which subscription and change whose; the alerts (a case coming within 7 days, an indicator
leaving its range, an action item turning overdue) told once; the outbox written once; a group
bot's webhook signed, a 500 retried later and a timeout not sent again by itself; a removed
user and a claim two senders race for."""
from __future__ import annotations

import base64
import datetime as dt
import email
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from delivery import log, subscriptions
from delivery.run import deliver
from security import audit
from security.users import load_users
from tests.test_delivery import DIVISION, JUDGE1, JUDGE_COURT, _users, db, judge2  # noqa: F401  (fixtures)


@pytest.fixture
def site(tmp_path, judge2, monkeypatch, db):  # noqa: F811
    _users(tmp_path / "users.toml", judge2[0])
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.setenv("SPZX_USERS", str(tmp_path / "users.toml"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_SMTP_HOST", raising=False)
    con = duckdb.connect(db, read_only=True)
    yield con, tmp_path
    con.close()


def _sub(name: str, kind: str, channel: str = "outbox", address: str = "", lang: str = "zh", actor=None) -> int:
    users = load_users().users
    return subscriptions.add(users.get(name), name, kind, channel, address, lang, "office", actor=actor)


def _mails(folder) -> list:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


def test_who_may_have_and_change_which_subscription(site):
    users = load_users().users
    with pytest.raises(subscriptions.SubscriptionError) as e:
        _sub("judge1", "pack_month")  # a judge has no 会商报告
    assert e.value.key == "sub_not_for_role"
    with pytest.raises(subscriptions.SubscriptionError) as e:
        _sub("leader", "due_weekly")  # a district's pending cases are no one's due list
    assert e.value.key == "sub_not_for_role"
    with pytest.raises(subscriptions.SubscriptionError) as e:
        _sub("nobody", "due_weekly")
    assert e.value.key == "sub_unknown_user"
    with pytest.raises(subscriptions.SubscriptionError) as e:
        _sub("judge1", "due_weekly", "email", "not an address")
    assert e.value.key == "sub_bad_email"
    with pytest.raises(subscriptions.SubscriptionError) as e:
        _sub("head", "due_weekly", "webhook", "ftp://bot")
    assert e.value.key == "sub_bad_webhook"
    # a judge sets their own, not another's; the office anyone's
    with pytest.raises(subscriptions.SubscriptionError) as e:
        _sub("judge2", "due_weekly", actor=users["judge1"])
    assert e.value.key == "sub_not_yours"
    mine = _sub("judge1", "due_weekly", "email", actor=users["judge1"])
    theirs = _sub("judge2", "due_weekly", actor=users["office"])
    with pytest.raises(subscriptions.SubscriptionError):
        _sub("judge1", "due_weekly", "email", actor=users["judge1"])  # the same twice
    with pytest.raises(subscriptions.SubscriptionError) as e:
        subscriptions.end(theirs, "judge1", actor=users["judge1"])
    assert e.value.key == "sub_not_yours"
    subscriptions.end(mine, "judge1", actor=users["judge1"])
    assert [s.id for s in subscriptions.active()] == [theirs]
    events = [e for _at, _u, e, _d in audit.entries()]
    assert events.count("subscription_added") == 2 and "subscription_ended" in events


def test_a_case_coming_within_seven_days_is_told_once(site, db):  # noqa: F811
    con, tmp = site
    _sub("judge1", "due_soon")
    limits = con.execute("SELECT case_no FROM cases WHERE judge_id = ? AND closed_date IS NULL",
                         [JUDGE1]).fetchall()
    assert limits
    from metrics.engine import Scope
    from metrics.warnings import counted_from_today, warning_list
    day = dt.date(2026, 9, 30)
    pending = counted_from_today(warning_list(con, Scope(court=JUDGE_COURT, division=DIVISION, judge_id=JUDGE1), day,
                                              "pending"), day, day)
    ahead = pending[pending["days_left_today"] > 7].sort_values("due_date")
    first = ahead.iloc[0]
    today = first["due_date"] - dt.timedelta(days=7)  # the day it comes within 7 days
    before = deliver(con, dt.datetime.combine(today - dt.timedelta(days=1), dt.time(9)), str(tmp / "out"))
    told_before = {c for m in _mails(tmp / "out") for c in [first["case_no"]] if c in m.get_body().get_content()}
    assert not told_before
    out = deliver(con, dt.datetime.combine(today, dt.time(9)), str(tmp / "out"))
    assert out.sent, out
    body = _mails(tmp / "out")[-1].get_body().get_content()
    assert first["case_no"] in body and "7 天" in body
    again = deliver(con, dt.datetime.combine(today, dt.time(18)), str(tmp / "out"))
    assert not again.sent
    assert sum(first["case_no"] in m.get_body().get_content() for m in _mails(tmp / "out")) == 1
    assert before.failed == [] and again.failed == []


def test_an_indicator_leaving_its_range_is_told_at_the_refresh(site):
    con, tmp = site
    _sub("leader", "range_alert", lang="en")
    first = deliver(con, dt.datetime(2026, 10, 5, 9), str(tmp / "out"))
    assert len(first.sent) == 1
    (m,) = _mails(tmp / "out")
    assert "left their range" in m["Subject"] and "(range" in m.get_body().get_content()
    # the same data looked at again: nothing left its range since
    assert deliver(con, dt.datetime(2026, 10, 6, 9), str(tmp / "out")).sent == []
    assert len(_mails(tmp / "out")) == 1


def test_an_action_item_turning_overdue_is_told_once(site):
    con, tmp = site
    from followup import actions
    from followup.model import Unit
    users = load_users().users
    actions.add_item(con, meeting="2026年第三季度会商", indicator="closure_rate",
                     unit=Unit(JUDGE_COURT, division=DIVISION, judge_id=JUDGE1), target="1", due=dt.date(2026, 10, 1),
                     owner=None, note="", by="office", access=users["office"].access, today=dt.date(2026, 9, 1))
    # the target (every case closed) is not met by its deadline: overdue
    _sub("head", "action_alert")
    _sub("judge1", "action_alert")
    _sub("judge2", "action_alert")  # another judge's item is not theirs to see: nothing for them
    out = deliver(con, dt.datetime(2026, 10, 5, 9), str(tmp / "out"))
    mails = _mails(tmp / "out")
    assert sorted(m["To"] for m in mails) == ["head@court.example", "judge1@court.example"], out
    assert all("已逾期" in m["Subject"] for m in mails)
    assert deliver(con, dt.datetime(2026, 10, 6, 9), str(tmp / "out")).sent == []


class Bot(BaseHTTPRequestHandler):
    mode = "ok"
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Bot.received.append((self.path, json.loads(body)))
        if Bot.mode == "slow":
            time.sleep(3)
        code = 500 if Bot.mode == "error" else 200
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b'{"errcode": 0}')

    def log_message(self, *args):
        pass


@pytest.fixture
def bot():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Bot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Bot.received, Bot.mode = [], "ok"
    yield f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=t"
    server.shutdown()


def test_a_group_bot_gets_signed_text_and_a_500_is_retried_later(site, bot, monkeypatch):
    con, _tmp = site
    monkeypatch.setenv("SPZX_WEBHOOK_SECRET", "bot-secret")
    _sub("head", "due_weekly", "webhook", bot)
    Bot.mode = "error"
    out = deliver(con, dt.datetime(2026, 10, 5, 8, 0))
    assert len(out.failed) == 1 and "HTTP 500" in out.failed[0]
    (entry,) = log.entries(("failed",))
    assert entry.attempts == 1 and entry.next_try == "2026-10-05T08:05:00"
    Bot.mode = "ok"
    assert deliver(con, dt.datetime(2026, 10, 5, 8, 3)).sent == []  # its retry time has not come
    assert len(deliver(con, dt.datetime(2026, 10, 5, 8, 6)).sent) == 1
    path, body = Bot.received[-1]
    assert body["msgtype"] == "text" and "到期清单" in body["text"]["content"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    stamp, sign = query["timestamp"][0], query["sign"][0]
    want = base64.b64encode(hmac.new(b"bot-secret", f"{stamp}\nbot-secret".encode(), hashlib.sha256).digest()).decode()
    assert sign == want
    assert deliver(con, dt.datetime(2026, 10, 5, 9, 0)).sent == []
    assert len(Bot.received) == 2


def test_a_bot_that_times_out_is_not_posted_twice(site, bot, monkeypatch):
    con, _tmp = site
    import delivery.channels as channels
    real = channels.webhook
    monkeypatch.setattr("delivery.run.webhook", lambda m, url: real(m, url, timeout=0.5))
    _sub("head", "due_weekly", "webhook", bot)
    Bot.mode = "slow"
    out = deliver(con, dt.datetime(2026, 10, 5, 8, 0))
    assert len(out.uncertain) == 1
    Bot.mode = "ok"
    assert deliver(con, dt.datetime(2026, 10, 5, 12, 0)).sent == []
    assert len(Bot.received) == 1
    assert [e.status for e in log.entries()] == ["uncertain"]


def test_the_outbox_is_written_once(site):
    con, tmp = site
    _sub("judge1", "due_weekly")
    _sub("head", "due_weekly")
    first = deliver(con, dt.datetime(2026, 10, 5, 8, 0), str(tmp / "out"))
    assert len(first.sent) == 2
    assert deliver(con, dt.datetime(2026, 10, 5, 8, 30), str(tmp / "out")).sent == []
    mails = _mails(tmp / "out")
    assert sorted(m["To"] for m in mails) == ["head@court.example", "judge1@court.example"]
    assert not list((tmp / "out").glob("*.tmp"))
    # before Monday 08:00 a new week's list is not due
    assert deliver(con, dt.datetime(2026, 10, 12, 7, 59), str(tmp / "out")).sent == []


def test_a_removed_user_is_told_to_the_office_not_sent(site):
    con, tmp = site
    _sub("judge2", "due_weekly")
    text = (tmp / "users.toml").read_text(encoding="utf-8")
    (tmp / "users.toml").write_text(text[:text.index("[users.judge2]")], encoding="utf-8")
    out = deliver(con, dt.datetime(2026, 10, 5, 8, 0), str(tmp / "out"))
    assert out.sent == [] and len(out.failed) == 1 and "judge2" in out.failed[0]
    assert not list((tmp / "out").glob("*.eml"))
    (entry,) = log.entries(("failed",))
    assert entry.next_try is None  # not retried: the office must act
    assert any(e == "delivery_failed" for _a, _u, e, _d in audit.entries())


def test_two_senders_never_claim_the_same_message(backend):
    now = dt.datetime(2026, 10, 5, 8, 0)
    won = []

    def race(worker: str) -> None:
        if log.claim(7, "week:2026-10-05", worker, now) is not None:
            won.append(worker)
    threads = [threading.Thread(target=race, args=(f"server{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    assert log.take_runner("a") and not log.take_runner("b")
    assert log.renew_runner("a") and not log.renew_runner("b")
    log.release_runner("a")
    assert log.take_runner("b")
    assert not log.renew_runner("a")  # taken over: a run that was thought dead stops


def test_messages_built_in_worker_processes_are_those_built_alone(site, db, tmp_path, monkeypatch):  # noqa: F811
    """The run builds messages in spawned workers when there are many subscriptions: the same
    messages as built in one process (here with a worker per two subscriptions)."""
    con, tmp = site
    import delivery.plan
    monkeypatch.setattr(delivery.plan, "MIN_PER_WORKER", 2)
    bodies = {}
    for name, db_path, workers in (("alone", None, 1), ("workers", db, 2)):
        monkeypatch.setenv("SPZX_STATE", str(tmp / f"state_{name}.sqlite"))
        for user, kind in (("judge1", "due_weekly"), ("judge2", "due_weekly"), ("head", "due_weekly"),
                           ("leader", "range_alert")):
            _sub(user, kind)
        out = deliver(con, dt.datetime(2026, 10, 5, 8, 0), str(tmp / name), db_path=db_path, workers=workers)
        assert len(out.sent) == 4 and not out.failed, out
        bodies[name] = sorted((m["To"], m["Subject"], m.get_body(("plain",)).get_content(),
                               tuple(a.get_filename() for a in m.iter_attachments())) for m in _mails(tmp / name))
    assert bodies["alone"] == bodies["workers"]


def test_a_user_sets_their_own_to_their_account_only(site):
    users = load_users().users
    for channel, address in (("email", "elsewhere@court.example"), ("webhook", "http://10.0.0.9/hook")):
        with pytest.raises(subscriptions.SubscriptionError) as e:
            _sub("judge1", "due_weekly", channel, address, actor=users["judge1"])
        assert e.value.key == "sub_own_address_only"
    with pytest.raises(subscriptions.SubscriptionError) as e:
        _sub("head", "due_weekly", "email", "张三@法院.cn")  # not every intranet server takes it: refused now
    assert e.value.key == "sub_bad_email"
    _sub("head", "due_weekly", "webhook", "https://bot.court.example/send?access_token=SECRET")
    assert not [d for _a, _u, _e, d in audit.entries() if "SECRET" in d]  # the bot's token is not in the log


def test_an_address_the_mail_server_does_not_know_is_not_tried_again(site, monkeypatch):
    con, _tmp = site
    from aiosmtpd.controller import Controller
    from deploy.local import free_port

    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, options):
            return "550 no such user"
    port = free_port()
    server = Controller(Refusing(), hostname="127.0.0.1", port=port)
    server.start()
    try:
        monkeypatch.setenv("SPZX_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SPZX_SMTP_PORT", str(port))
        monkeypatch.setenv("SPZX_SMTP_SECURITY", "none")
        _sub("judge1", "due_weekly", "email")
        out = deliver(con, dt.datetime(2026, 10, 5, 8, 0))
        assert len(out.failed) == 1 and "550" in out.failed[0]
        (entry,) = log.entries(("failed",))
        assert entry.next_try is None  # permanent: the office is told, no retry
        assert deliver(con, dt.datetime(2026, 10, 5, 12, 0)).failed == []
    finally:
        server.stop()


def test_the_office_resends_last_weeks_list_as_it_was(site):
    con, tmp = site
    _sub("judge1", "due_weekly", "webhook", "http://127.0.0.1:9/unreachable")
    out = deliver(con, dt.datetime(2026, 10, 5, 8, 0))
    assert len(out.failed) == 1
    (entry,) = log.entries(("failed",))
    # a week later the list of the 5th is no longer due; the office asks for it anyway
    subscriptions.end(entry.subscription_id, "office")
    sid = _sub("judge1", "due_weekly")
    log.resend(entry.key, "office")
    with pytest.raises(LookupError):
        log.resend(f"{sid}:check:2026-10-12", "office")
    later = deliver(con, dt.datetime(2026, 10, 12, 9, 0), str(tmp / "out"))
    assert sorted(later.sent) == [f"{sid}:week:2026-10-12"], later  # the ended subscription's is not sent
    # resending on a subscription still active: sent as it was, the week of the 5th
    sid2 = _sub("head", "due_weekly")
    assert deliver(con, dt.datetime(2026, 10, 5, 8, 0), str(tmp / "out"), only={"head"}).sent == \
        [f"{sid2}:week:2026-10-05"]
    with audit.change() as change:  # as if it had failed
        change.run("UPDATE delivery_log SET status = 'uncertain' WHERE key = ?", (f"{sid2}:week:2026-10-05",))
    log.resend(f"{sid2}:week:2026-10-05", "office")
    again = deliver(con, dt.datetime(2026, 10, 13, 9, 0), str(tmp / "out"), only={"head"})
    assert f"{sid2}:week:2026-10-05" in again.sent
    mails = [m for m in _mails(tmp / "out") if m["To"] == "head@court.example"]
    # built again as it was (the week of the 5th); the outbox keeps one file per message
    assert sum("2026-10-05" in m["Subject"] for m in mails) == 1


def test_a_failed_look_then_a_quiet_one_does_not_stop_the_run(site):
    con, tmp = site
    sid = _sub("leader", "range_alert")
    _sub("judge1", "due_weekly")
    from delivery.log import fail
    fail(sid, "range:2026-09-30", 0, "earlier failure", dt.datetime(2026, 10, 5, 7, 0))
    # the alert's data date has an old failure due for retry; a look that now finds it all told before
    with audit.change() as change:
        change.run("INSERT INTO delivery_log (key, subscription_id, occurrence, status, detail) VALUES "
                   "(?, ?, 'range:2026-01-01', 'sent', ?)", (f"{sid}:range:2026-01-01", sid,
                                                             json.dumps({"outside": sorted(
                                                                 _outside_now(con))})))
    out = deliver(con, dt.datetime(2026, 10, 5, 9, 0), str(tmp / "out"))
    assert out.failed == [] and len(out.sent) == 1, out  # the judge's list; the alert had nothing new
    assert [e.status for e in log.entries() if e.key == f"{sid}:range:2026-09-30"] == ["quiet"]


def _outside_now(con) -> list[str]:
    from delivery.content import _outside
    from delivery.model import Subscription
    from delivery.recipient import Recipient
    users = load_users().users
    r = Recipient(Subscription(0, "leader", "range_alert", "outbox", "", "zh"), users["leader"], con,
                  dt.datetime(2026, 10, 5, 9), [])
    return list(_outside(r)[0]["indicator"])


def test_a_demo_accounts_address_never_signs_anyone_in():
    """The demo accounts carry fictional .invalid addresses for trying subscriptions; an identity
    provider's user is never matched to one of them."""
    from security.users import DEFAULT_USERS
    config = load_users(DEFAULT_USERS)
    demo = [u for u in config.users.values() if u.demo]
    assert demo and all(u.email and u.email.endswith(".invalid") for u in demo)
    assert all(config.by_email(u.email) is None for u in demo)


def test_a_scope_without_data_is_told_to_the_office_not_sent(site):
    """A 行政 line head of a court that has no 行政 case: the pack would be empty. Nothing is
    sent; the log and the audit say why; the next run does not try again."""
    con, tmp = site
    assert con.execute("SELECT count(*) FROM cases WHERE court_code = '示0101' AND category = '行政'").fetchone()[0] == 0
    with open(tmp / "users.toml", "a", encoding="utf-8") as f:
        f.write('[users.admin_line]\nname = "行政条线"\nrole = "line"\ncourt = "示0101"\ncategory = "行政"\n'
                'email = "admin-line@court.example"\n')
    sid = _sub("admin_line", "pack_month")
    out = deliver(con, dt.datetime(2026, 10, 5, 9, 0), str(tmp / "out"))
    assert out.skipped == [f"{sid}:pack:2026-09"] and out.sent == [] and out.failed == []
    assert not list((tmp / "out").glob("*.eml"))
    assert [e.status for e in log.entries()] == ["skipped"]
    assert any(e == "delivery_skipped" for _a, _u, e, _d in audit.entries())
    assert deliver(con, dt.datetime(2026, 10, 6, 9, 0), str(tmp / "out")).skipped == []


def test_starttls_and_a_login_from_the_environment(site, tmp_path, monkeypatch):
    """The court's mail server over STARTTLS with a certificate of the court's own authority
    (SPZX_SMTP_CAFILE) and a login: the mail arrives; a wrong password is refused and retried."""
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    from deploy.local import free_port
    con, _tmp = site
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(str(cert), str(key))
    got = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            got.append((session.authenticated, envelope.rcpt_tos))
            return "250 OK"

    def login(server, session, envelope, mechanism, data):
        return AuthResult(success=(data.login, data.password) == (b"spzx", b"s3cret"))
    port = free_port()
    server = Controller(Inbox(), hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=True,
                        authenticator=login, auth_required=True)
    server.start()
    try:
        for k, v in {"SPZX_SMTP_HOST": "127.0.0.1", "SPZX_SMTP_PORT": str(port), "SPZX_SMTP_SECURITY": "starttls",
                     "SPZX_SMTP_CAFILE": str(cert), "SPZX_SMTP_USER": "spzx", "SPZX_SMTP_PASSWORD": "wrong",
                     "SPZX_SMTP_TIMEOUT": "3"}.items():
            monkeypatch.setenv(k, v)
        _sub("judge1", "due_weekly", "email")
        out = deliver(con, dt.datetime(2026, 10, 5, 8, 0))
        assert len(out.failed) == 1 and "login" in out.failed[0] and not got
        monkeypatch.setenv("SPZX_SMTP_PASSWORD", "s3cret")
        assert len(deliver(con, dt.datetime(2026, 10, 5, 8, 10)).sent) == 1
        assert got == [(True, ["judge1@court.example"])]
    finally:
        server.stop()
