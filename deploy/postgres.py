"""A local PostgreSQL server for the state, from Debian's packages: for the tests and for
`python -m deploy.replicas --local-postgres`. A new cluster in a temporary folder, listening on
127.0.0.1 only on a free port, with passwords made up when it starts (kept, owner-only, in
the info file); stopped and removed by `stop`.

python -m deploy.postgres start INFO.json   prints the servers' URL (SPZX_STATE_URL)
python -m deploy.postgres stop INFO.json

Roles: spzx_admin (superuser), spzx_owner (owns the tables and their guards), spzx_app (what
the servers sign in with: may read and append to the audit log, nothing more).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass

from deploy.local import free_port

DATABASE = "spzx"
ADMIN, OWNER, APP = "spzx_admin", "spzx_owner", "spzx_app"
INSTALL = "apt-get install -y postgresql"


@dataclass(frozen=True)
class Cluster:
    folder: str
    port: int
    admin_url: str
    owner_url: str
    app_url: str


def _bindir() -> str:
    """Debian keeps the server's programs out of PATH, under /usr/lib/postgresql/<version>/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return os.path.dirname(os.path.realpath(pg_ctl))
    raise RuntimeError(f"PostgreSQL 服务器未安装 / the PostgreSQL server is not installed: {INSTALL}")


def _as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: root runs it as the `postgres` user of Debian's package."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _url(role: str, password: str, port: int, database: str = DATABASE) -> str:
    return f"postgresql://{role}:{password}@127.0.0.1:{port}/{database}"


def start(port: int | None = None) -> Cluster:
    """A running cluster with the state's database made and its roles granted."""
    bindir = _bindir()
    folder = tempfile.mkdtemp(prefix="spzx-pg-")  # under /tmp: the postgres user can reach it
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    port = port or free_port()
    passwords = {role: secrets.token_urlsafe(24) for role in (ADMIN, OWNER, APP)}
    data, pwfile = os.path.join(folder, "data"), os.path.join(folder, "pw")
    try:
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(passwords[ADMIN])
        if os.geteuid() == 0:
            os.chown(pwfile, user.pw_uid, user.pw_gid)
        _run([f"{bindir}/initdb", "-D", data, "-U", ADMIN, f"--pwfile={pwfile}", "--auth=scram-sha-256",
              "-E", "UTF8", "--no-locale"])
        os.unlink(pwfile)
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off"
        _run([f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(folder, "server.log"), "-o", options, "-w",
              "-t", "120", "start"])
        cluster = Cluster(folder, port, _url(ADMIN, passwords[ADMIN], port, "postgres"),
                          _url(OWNER, passwords[OWNER], port), _url(APP, passwords[APP], port))
        _make_database(cluster, passwords)
        return cluster
    except BaseException:
        _stop_folder(folder)
        raise


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_server_user(cmd), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{os.path.basename(cmd[0])} failed: {done.stderr.strip() or done.stdout.strip()}")


def _make_database(cluster: Cluster, passwords: dict[str, str]) -> None:
    import psycopg
    from psycopg import sql

    from security.state_pg import setup

    with psycopg.connect(cluster.admin_url, autocommit=True) as con:
        for role in (OWNER, APP):
            con.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role),
                                                                           sql.Literal(passwords[role])))
        con.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(DATABASE), sql.Identifier(OWNER)))
    with psycopg.connect(cluster.owner_url, autocommit=True) as con:
        con.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        setup(con, APP)


def new_database(cluster: Cluster, name: str, app: bool = False) -> str:
    """Another empty database owned by spzx_owner (a test's own); its owner's URL, or with `app`
    its tables set up and the servers' role's URL."""
    import psycopg
    from psycopg import sql

    from security.state_pg import setup

    with psycopg.connect(cluster.admin_url, autocommit=True) as con:
        con.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(OWNER)))
    owner = cluster.owner_url.rsplit("/", 1)[0] + f"/{name}"
    if not app:
        return owner
    with psycopg.connect(owner, autocommit=True) as con:
        con.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        setup(con, APP)
    return cluster.app_url.rsplit("/", 1)[0] + f"/{name}"


def stop(cluster: Cluster) -> None:
    _stop_folder(cluster.folder)


def _stop_folder(folder: str) -> None:
    data = os.path.join(folder, "data")
    if os.path.exists(os.path.join(data, "postmaster.pid")):
        subprocess.run(_as_server_user([f"{_bindir()}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]),
                       capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m deploy.postgres")
    ap.add_argument("command", choices=["start", "stop"])
    ap.add_argument("info", help="the file that keeps the cluster's folder, port and URLs (owner-only)")
    args = ap.parse_args()
    if args.command == "start":
        cluster = start()
        fd = os.open(args.info, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(asdict(cluster), f)
        print(cluster.app_url)
    else:
        with open(args.info) as f:
            stop(Cluster(**json.load(f)))
        os.unlink(args.info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
