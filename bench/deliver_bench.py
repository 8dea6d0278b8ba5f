"""Time one delivery run for many recipients against a local SMTP server (issue 26):

  .venv/bin/python bench/deliver_bench.py [--recipients 500] [--cases 300000]

Builds a demo database and a state and users file of its own (a temporary folder), gives every
judge a weekly due list, division heads the same for their division, court leaders an indicator
alert and the quarterly pack, the office and line heads the monthly pack — RECIPIENTS accounts
in all — starts aiosmtpd on a free port and times, in a fresh process as a timer would run it:

  deliver, Monday 08:00     `python -m report deliver` sending everything due (target ≤ 60 s)
  deliver again             the same run a minute later: nothing is due (what a timer costs)
  reference: bare SMTP      the same number of messages of the same sizes sent with smtplib over one
                            connection, nothing built: the floor the mail server sets
"""
from __future__ import annotations

import argparse
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


class Inbox:
    def __init__(self):
        self.sizes: list[int] = []

    async def handle_DATA(self, server, session, envelope):
        self.sizes.append(len(envelope.original_content))
        return "250 OK"


def _users(con, recipients: int) -> tuple[str, list[tuple[str, str]]]:
    """users.toml text and the (user, kind) subscriptions."""
    judges = con.execute("SELECT DISTINCT court_code::VARCHAR, division, judge_id FROM cases WHERE judge_id IS NOT NULL "
                         "AND division IS NOT NULL ORDER BY 1, 2, 3").fetchall()
    divisions = sorted({(c, d) for c, d, _j in judges})
    courts = [r[0] for r in con.execute("SELECT court_code::VARCHAR FROM courts ORDER BY 1").fetchall()]
    text = ["[settings]", "demo_mode = false"]
    subs: list[tuple[str, str]] = []

    def user(name: str, fields: dict, kinds: list[str]) -> None:
        text.extend([f"[users.{name}]", f'name = "{name}"', f'email = "{name}@court.example"',
                     *(f'{k} = "{v}"' for k, v in fields.items())])
        subs.extend((name, k) for k in kinds)
    for i in range(5):
        user(f"office{i}", {"role": "admin"}, ["pack_month"])
    for i, category in enumerate(["民事", "刑事", "行政", "执行"] * 3):
        user(f"line{i}", {"role": "line", "court": courts[0], "category": category}, ["pack_month"])
    for i, court in enumerate(courts):
        user(f"leader{i}", {"role": "leader", "court": court}, ["range_alert", "pack_quarter"])
    left = recipients - 5 - 12 - len(courts)
    for i, (court, division) in enumerate(divisions[: left // 4]):
        user(f"head{i}", {"role": "head", "court": court, "division": division}, ["due_weekly"])
    left -= min(len(divisions), left // 4)
    for i, (court, division, judge) in enumerate(judges[:left]):
        user(f"judge{i}", {"role": "judge", "court": court, "division": division, "judge_id": judge}, ["due_weekly"])
    return "\n".join(text) + "\n", subs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipients", type=int, default=500)
    ap.add_argument("--cases", type=int, default=300000)
    a = ap.parse_args()
    import duckdb
    from aiosmtpd.controller import Controller

    from deploy.local import free_port

    tmp = tempfile.mkdtemp(prefix="deliver_bench_")
    db = os.path.join(tmp, "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", str(a.cases), "--quiet"],
                   cwd=ROOT, check=True)
    con = duckdb.connect(db, read_only=True)
    users_text, subs = _users(con, a.recipients)
    con.close()
    with open(os.path.join(tmp, "users.toml"), "w", encoding="utf-8") as f:
        f.write(users_text)
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    env = {**os.environ, "SPZX_STATE": os.path.join(tmp, "state.sqlite"), "SPZX_USERS": os.path.join(tmp, "users.toml"),
           "SPZX_SMTP_HOST": "127.0.0.1", "SPZX_SMTP_PORT": str(port), "SPZX_SMTP_SECURITY": "none"}
    env.pop("SPZX_STATE_URL", None)
    os.environ.update({k: env[k] for k in ("SPZX_STATE", "SPZX_USERS")})
    from delivery import subscriptions
    from security.users import load_users
    users = load_users().users
    for name, kind in subs:
        subscriptions.add(users[name], name, kind, "email", "", "zh", "bench")
    accounts = len({n for n, _k in subs})

    def run(now: str) -> tuple[float, str]:
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "report", "deliver", "--db", db, "--now", now], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        return time.perf_counter() - t, (p.stdout.strip().splitlines() or [""])[-1] + p.stderr[-300:]
    first, said = run(_monday(db))
    sizes = list(inbox.sizes)
    sent = len(sizes)
    again, said_again = run(_monday(db, minutes=1))
    sent_again = len(inbox.sizes) - sent
    t = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as s:
        for i, size in enumerate(sizes):
            m = EmailMessage()
            m["Subject"], m["From"], m["To"] = "x", "a@court.example", "b@court.example"
            m.set_content("x" * max(size - 200, 10))
            s.send_message(m)
    bare = time.perf_counter() - t
    server.stop()
    print(f"recipients: {accounts} accounts, {len(subs)} subscriptions; database {a.cases:,} cases")
    print(f"deliver, Monday 08:00   {first:6.1f} s  ({sent} messages, {sum(sizes[:sent]) / 1e6:.1f} MB; target ≤ 60 s)"
          f"  — {said}")
    print(f"deliver again           {again:6.1f} s  ({sent_again} more messages) — {said_again}")
    print(f"reference: bare SMTP    {bare:6.1f} s  (the same {sent} messages' sizes, nothing built)")


def _monday(db: str, minutes: int = 0) -> str:
    """Monday 08:00 of the week after the demo's data date."""
    import datetime as dt

    import duckdb

    con = duckdb.connect(db, read_only=True)
    day = dt.date.fromisoformat(dict(con.execute("SELECT key, value FROM meta").fetchall())["data_date"])
    con.close()
    monday = day + dt.timedelta(days=7 - day.weekday())
    return (dt.datetime.combine(monday, dt.time(8, 0)) + dt.timedelta(minutes=minutes)).isoformat(timespec="minutes")


if __name__ == "__main__":
    main()
