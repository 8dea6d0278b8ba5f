"""python -m security add-user NAME --role ROLE [--court C] [--division D] [--judge-id J]: prints the TOML
block of a local account with an Argon2 hash of a password typed at the prompt (never stored in clear).

python -m security verify-audit [--state FILE|URL]: checks the audit log's chain and its keyed head;
exit 1 and what does not hold (the first broken entry, entries cut, the head forged or missing).
Prints the head: written down elsewhere, it also catches the state and the head put back together.

python -m security reseal-audit --reason TEXT [--state FILE|URL]: with the key, vouches for the log as
it is (a log from an earlier version, or a loss acknowledged) by one keyed entry that stays in the chain.

python -m security init-state --url postgresql://OWNER@HOST/DB [--app-role ROLE]: makes the state's
tables and the audit log's guards in PostgreSQL as their owner, and lets ROLE (the servers'
sign-in, SPZX_STATE_URL) read and append to the log and keep sessions, nothing more."""
from __future__ import annotations

import argparse
import getpass
import sys

from metrics.access import ROLES, Access
from schema.pipes import run

from . import audit
from .users import hash_password, not_utf8, refuse_new_account, toml_string


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m security")
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add-user")
    a.add_argument("username")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--name")
    a.add_argument("--court")
    a.add_argument("--division")
    a.add_argument("--judge-id")
    a.add_argument("--category", help="a 条线 (line) head's category: 民事, 刑事, 行政 or 执行")
    a.add_argument("--email")
    v = sub.add_parser("verify-audit", help="check that no audit entry was changed, removed or slipped in")
    v.add_argument("--state", help="the state: a SQLite file or a postgresql:// URL "
                                   "(default: SPZX_STATE_URL, else SPZX_STATE or data/app_state.sqlite)")
    r = sub.add_parser("reseal-audit", help="vouch, with the key, for the audit log as it is now (recorded in it)")
    r.add_argument("--reason", required=True, help="why: an upgrade from an earlier version, a loss acknowledged …")
    r.add_argument("--state", help="the state: a SQLite file or a postgresql:// URL")
    i = sub.add_parser("init-state", help="set up the state in PostgreSQL (run once, as the tables' owner)")
    i.add_argument("--url", required=True, help="postgresql:// URL of the owner")
    i.add_argument("--app-role", help="the role the servers sign in with")
    args = ap.parse_args()
    if args.command == "verify-audit":
        return verify_audit(args.state)
    if args.command == "reseal-audit":
        return reseal_audit(args.reason, args.state)
    if args.command == "init-state":
        from .state_pg import connect, setup

        with connect(args.url) as con:
            setup(con, args.app_role)
        print("状态库已就绪 / the state database is ready")
        return 0
    try:
        Access(args.role, args.court, args.division, args.judge_id, category=args.category)
        refuse_new_account(args.username, {"username": args.username, "--name": args.name, "--court": args.court,
                                           "--division": args.division, "--judge-id": args.judge_id,
                                           "--category": args.category, "--email": args.email})
    except ValueError as e:  # UsersFileError too
        print(f"python -m security: {e}", file=sys.stderr)
        return 2
    password = getpass.getpass("密码 / password: ")
    if not_utf8({"password": password}):
        print("python -m security: 密码含无效字符 / the password is not valid UTF-8 text", file=sys.stderr)
        return 2
    if len(password) < 10 or password != getpass.getpass("再输入一次 / again: "):
        print("python -m security: 密码至少10位且两次一致 / at least 10 characters, typed the same twice", file=sys.stderr)
        return 2
    print(f"\n[users.{toml_string(args.username)}]")
    for key, value in (("name", args.name or args.username), ("role", args.role), ("court", args.court),
                       ("division", args.division), ("judge_id", args.judge_id), ("category", args.category),
                       ("email", args.email),
                       ("password_hash", hash_password(password))):
        if value:
            print(f"{key} = {toml_string(value)}")
    return 0


def verify_audit(path: str | None) -> int:
    check = audit.verify(path)
    head = f"头记录 / head: {check.head.text()}" if check.head else "头记录 / head: —"
    if check.holds:
        print(f"审计日志完整 / the audit chain holds: {check.entries} 条 entries  "
              f"最新哈希 / newest hash {audit.state_digest(path)}\n{head}\n"
              "请另行记下头记录，可发现状态文件与头记录被一并还原 / "
              "write the head down elsewhere: it also shows the state and the head put back together")
        return 0
    where = f" at entry {check.broken_at}" if check.broken_at is not None else ""
    print(f"审计日志已被改动 / the audit chain is broken{where}: {check.reason}\n{head}", file=sys.stderr)
    return 1


def reseal_audit(reason: str, path: str | None) -> int:
    """Needs the key: refused when there is none (a new key would vouch for nothing)."""
    from .keys import _key_path, key_present

    if not reason.strip():
        print("python -m security: 须用 --reason 写明原因 / give the reason with --reason", file=sys.stderr)
        return 2
    if not key_present():
        print(f"python -m security: 没有服务器密钥 {_key_path()}（或 SPZX_SECRET）/ no server key there (or SPZX_SECRET)",
              file=sys.stderr)
        return 2
    n, detail = audit.reseal(reason, audit.command_line_user(), path)
    print(f"审计日志已重新封存 / the audit log is resealed: {n} 条 entries vouched for; {detail}")
    return 0


if __name__ == "__main__":
    run(main)
