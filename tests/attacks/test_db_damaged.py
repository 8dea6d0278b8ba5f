"""Issue 25, item 11: the case database truncated or overwritten while the server runs.

The file is told apart cheaply (headers, length, the first small tables) or by the first query
that meets the damage; the sign-in page keeps working and says the data is unavailable, an admin
is told which file and the newest good version to roll back to, a judge only that the data is
unavailable; a rollback by default skips a version that cannot be read, and an import that
replaces the data builds a new database over a damaged file (a merge into it is refused)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data import versions
from data.ingest import ingest
from data.reader import UnusableFile
from metrics.db import damage_of, is_damage
from tests.test_metrics_worked_example import EX, ROOT

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("damaged") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "3000", "--quiet"],
                   cwd=ROOT, check=True)
    return db


@pytest.fixture
def db(small_demo, tmp_path) -> str:
    """A copy of the demo with one earlier version kept (a file of its own, as an import leaves it)."""
    path = str(tmp_path / "court.duckdb")
    shutil.copy(small_demo, path)
    pending = versions.keep(path)
    shutil.copy(small_demo, path + ".new")
    os.replace(path + ".new", path)  # the file in use is no longer the kept one's inode
    versions.promote(path, pending)
    return path


def _cut(path: str, size: int) -> None:
    os.truncate(path, size)


def _overwrite(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


@pytest.mark.parametrize("how, reason", [
    ("zero", "empty"), ("headers only", "truncated"), ("half", "truncated"), ("one block short", "truncated"),
    ("junk", "not_database"), ("text", "not_database"), ("another database", "not_database"),
])
def test_a_truncated_or_overwritten_file_is_told_apart(db, how, reason):
    assert damage_of(db) is None
    size = os.path.getsize(db)
    if how == "zero":
        _cut(db, 0)
    elif how == "headers only":
        _cut(db, 3 * 4096)
    elif how == "half":
        _cut(db, size // 2)
    elif how == "one block short":
        _cut(db, size - 262144)
    elif how == "junk":
        _overwrite(db, os.urandom(size))
    elif how == "another database":
        with duckdb.connect(db + ".other") as con:
            con.execute("CREATE TABLE notes(line VARCHAR)")
        os.replace(db + ".other", db)
    else:
        _overwrite(db, "案件编号,法院\n".encode())
    found = damage_of(db)
    assert found is not None and found.reason == reason and found.path == db


def test_a_block_overwritten_inside_is_met_by_the_query_that_reads_it(db):
    """Past the cheap check (which reads no case rows): the first query reading the block says it
    is damage, and a query's own mistake is not taken for damage."""
    with open(db, "r+b") as f:
        f.seek(3 * 4096 + 262144)
        f.write(os.urandom(262144 * 4))
    con = duckdb.connect()
    con.execute("ATTACH ? AS case_db (READ_ONLY)", [db])
    errors = []
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'case_db'").fetchall():
        try:
            con.execute(f'SELECT sum(hash(COLUMNS(*))) FROM case_db."{table}"').fetchall()
        except duckdb.Error as e:
            errors.append(e)
    assert errors and all(is_damage(e) for e in errors)
    with pytest.raises(duckdb.Error) as wrong:
        con.execute("SELECT no_such_column FROM case_db.cases")
    assert not is_damage(wrong.value)


def _users(folder) -> str:
    from security.users import DEFAULT_USERS, hash_password

    path = os.path.join(str(folder), "users.toml")
    with open(DEFAULT_USERS, encoding="utf-8") as f:
        text = f.read()
    hashed = hash_password(PASSWORD)
    text += (f'\n[users.office]\nname = "审管办"\nrole = "admin"\npassword_hash = "{hashed}"\n'
             f'\n[users.judge1]\nname = "法官甲"\nrole = "judge"\ncourt = "示0101"\ndivision = "民一庭"\n'
             f'judge_id = "J0101006"\npassword_hash = "{hashed}"\n')
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


@pytest.fixture
def app(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_DB", db)
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.setenv("SPZX_USERS", _users(tmp_path))
    monkeypatch.chdir(ROOT)
    _cut(db, os.path.getsize(db) // 2)  # while serving: a new file version to every cache
    return AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)


def _texts(at) -> str:
    return " ".join(str(e.value) for kind in (at.title, at.error, at.warning, at.info, at.success, at.code, at.markdown,
                                              at.caption) for e in kind)


def test_the_sign_in_page_works_and_a_judge_is_told_calmly(app, db):
    at = app.run()
    assert not at.exception
    assert "数据暂不可用，请联系管理员" in _texts(at)
    assert not [b for b in at.button if "演示" in str(b.label)]  # a file that cannot be read is not known to be the demo
    at.text_input(key="si_user").input("judge1")
    at.text_input(key="si_pass").input(PASSWORD)
    at.button[0].click()
    at = at.run()
    assert not at.exception and at.session_state["_user"] == "judge1"
    shown = _texts(at)
    assert "数据暂不可用，请联系管理员" in shown
    assert db not in shown and "rollback" not in shown  # no file or command to a role that cannot act on it


def test_the_admin_is_told_the_file_and_the_version_to_roll_back_to(app, db):
    app.session_state["_user"] = "office"
    at = app.run()
    assert not at.exception
    good = versions.list_versions(db)[0]
    shown = _texts(at)
    assert db in shown and "文件被截短" in shown
    assert f"python -m data rollback {good.name} --db {db}" in shown
    for page in ("app_pages/data_overview.py", "app_pages/data_import.py", "app_pages/audit_log.py"):
        at = at.switch_page(page).run()
        assert not at.exception, page
        assert db in _texts(at), page
    assert at.title[0].value == "审计日志"


def test_the_import_page_offers_the_rollback_over_a_damaged_file(app, db):
    app.session_state["_user"] = "office"
    at = app.run().switch_page("app_pages/data_import.py").run()
    assert not at.exception
    good = versions.list_versions(db)[0]
    assert at.selectbox(key="rollback_version").value == good.name
    at.checkbox(key="rollback_sure").check()
    next(b for b in at.button if b.label == "回退").click()
    at = at.run()
    assert not at.exception
    assert damage_of(db) is None and "已回退到版本" in _texts(at)
    at = at.switch_page("app_pages/overview.py").run()
    assert not at.exception and at.title[0].value == "态势总览"


def test_rollback_by_default_takes_the_newest_version_that_reads(db):
    """`python -m data rollback --db FILE` after a damage: a kept version that no longer reads (cut
    in place) is never chosen; the damaged file is set aside, not counted among the kept versions."""
    oldest = versions.list_versions(db)[0]
    pending = versions.keep(db)  # a second good version, then a file of its own in use again
    shutil.copy(oldest.path, db + ".new")
    os.replace(db + ".new", db)
    versions.promote(db, pending)
    newest = versions.list_versions(db)[0]
    _cut(newest.path, 3 * 4096)  # the newest kept version damaged on disk
    _cut(db, os.path.getsize(db) // 2)  # and the file in use
    kept = versions.list_versions(db)
    assert [v.kind for v in kept] == ["unreadable", "demo"] and kept[1].name == oldest.name
    assert versions.rollback(db).name == oldest.name
    assert damage_of(db) is None
    assert [v.name for v in versions.list_versions(db)] == [newest.name, oldest.name]  # nothing pushed out
    aside = [f for f in os.listdir(versions.folder(db)) if f.endswith(".damaged")]
    assert len(aside) == 1 and damage_of(os.path.join(versions.folder(db), aside[0])).reason == "truncated"


def test_an_import_replaces_a_damaged_database_and_refuses_to_merge_into_it(db, tmp_path):
    _overwrite(db, os.urandom(os.path.getsize(db)))
    before = open(db, "rb").read()
    cases, courts = os.path.join(EX, "cases.csv"), os.path.join(EX, "courts.csv")
    with pytest.raises(UnusableFile, match="court.duckdb"):
        ingest(cases, courts, db, str(tmp_path / "r.csv"))
    assert open(db, "rb").read() == before  # a failed import leaves the file as it was
    result = ingest(cases, courts, db, str(tmp_path / "r.csv"), replace=True)
    assert result.accepted > 0 and damage_of(db) is None
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == result.accepted


def test_the_command_line_says_what_is_wrong_and_the_way_back(db):
    """`python -m metrics` on a damaged file: a message naming the file and the rollback, no traceback;
    `python -m data rollback --db FILE` then puts back the newest version that reads."""
    _cut(db, os.path.getsize(db) // 2)
    asked = subprocess.run([sys.executable, "-m", "metrics", "--db", db, "--period", "2026Q3"], cwd=ROOT,
                           capture_output=True, text=True)
    assert asked.returncode != 0 and "Traceback" not in asked.stderr
    assert "案件数据库文件无法读取（文件被截短）" in asked.stderr and f"python -m data rollback --db {db}" in asked.stderr
    good = versions.list_versions(db)[0]  # as the admin's page writes the command
    back = subprocess.run([sys.executable, "-m", "data", "rollback", good.name, "--db", db], cwd=ROOT,
                          capture_output=True, text=True)
    assert back.returncode == 0, back.stderr
    assert damage_of(db) is None


def test_a_query_that_meets_damage_past_the_cheap_check_is_said_too(app, db, monkeypatch):
    """A block overwritten inside the cases passes the cheap check; the first page query that reads it
    makes the run start again and say so (to the admin: the file and DuckDB's words). Another error
    (a full disk while spilling) stays an error."""
    from ui import queries

    shutil.copy(versions.list_versions(db)[0].path, db + ".good")
    os.replace(db + ".good", db)  # the file reads again: only the query meets the damage
    corrupt = duckdb.IOException("Corrupt database file: computed checksum 1 does not match stored checksum 2 in block")

    def damaged_block(*args, **kwargs):
        raise corrupt
    monkeypatch.setattr(queries, "indicator_table", damaged_block)
    app.session_state["_user"] = "office"
    at = app.run()
    assert not at.exception
    shown = _texts(at)
    assert at.title[0].value == "态势总览" and db in shown and "does not match stored checksum" in shown
    assert not is_damage(duckdb.IOException("Could not write to temporary file: No space left on device"))
