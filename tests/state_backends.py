"""The two state backends as a test sees them: where the state is, a direct connection that
bypasses the application (what someone holding the file, or the database's superuser, can
do), and a fingerprint of everything stored, to show that reading wrote nothing."""
from __future__ import annotations

import hashlib
import sqlite3


class SqliteBackend:
    kind = "sqlite"
    error = sqlite3.DatabaseError

    def __init__(self, path: str):
        self.location = path

    def raw(self) -> sqlite3.Connection:
        return sqlite3.connect(self.location, isolation_level=None)

    def tamper(self, sql: str, restore: bool = True) -> None:
        """Drop the triggers, edit, and (unless told not to) put them back."""
        from security.state_sqlite import TRIGGERS

        con = self.raw()
        for name in TRIGGERS:
            con.execute(f"DROP TRIGGER IF EXISTS {name}")
        con.execute(sql)
        if restore:
            for name, body in TRIGGERS.items():
                con.execute(f"CREATE TRIGGER {name} {body}")
        con.close()

    def fingerprint(self) -> str:
        with open(self.location, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()


class PostgresBackend:
    kind = "postgres"

    def __init__(self, owner_url: str, admin_url: str):
        import psycopg

        self.location, self.admin_url, self.error = owner_url, admin_url, psycopg.Error

    def raw(self):
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True)

    def tamper(self, sql: str, restore: bool = True) -> None:
        from security.state_pg import TRIGGERS, _put_back

        with self.raw() as con:
            for name in TRIGGERS:
                con.execute(f"DROP TRIGGER IF EXISTS {name} ON audit")
            con.execute(sql)
            if restore:
                _put_back(con, list(TRIGGERS))

    def fingerprint(self) -> str:
        with self.raw() as con:
            rows = con.execute("SELECT * FROM audit ORDER BY id").fetchall()
            guards = con.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit'::regclass "
                                 "ORDER BY tgname").fetchall()
        return hashlib.sha256(repr((rows, guards)).encode()).hexdigest()
