"""python -m security add-user NAME --role ROLE [--court C] [--division D] [--judge-id J]: prints the TOML
block of a local account with an Argon2 hash of a password typed at the prompt (never stored in clear)."""
from __future__ import annotations

import argparse
import getpass
import sys

from metrics.access import ROLES, Access

from .users import hash_password


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
    a.add_argument("--email")
    args = ap.parse_args()
    try:
        Access(args.role, args.court, args.division, args.judge_id)
    except ValueError as e:
        print(f"python -m security: {e}", file=sys.stderr)
        return 2
    password = getpass.getpass("密码 / password: ")
    if len(password) < 10 or password != getpass.getpass("再输入一次 / again: "):
        print("python -m security: 密码至少10位且两次一致 / at least 10 characters, typed the same twice", file=sys.stderr)
        return 2
    print(f"\n[users.{args.username}]")
    for key, value in (("name", args.name or args.username), ("role", args.role), ("court", args.court),
                       ("division", args.division), ("judge_id", args.judge_id), ("email", args.email),
                       ("password_hash", hash_password(password))):
        if value:
            print(f'{key} = "{value}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
