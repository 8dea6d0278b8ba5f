"""A database records the version of the measure declarations its facts were built from. After a
measure is added, an older database still answers (by scanning, saying so in one line) and one
command rebuilds its facts atomically."""
from __future__ import annotations

import csv
import hashlib
import io
import html
import os
import subprocess
import sys
import textwrap

import duckdb

from metrics.facts import FactsState, facts_state, version
from tests.helpers import headline_figures
from tests.test_metrics_worked_example import ROOT, worked_db  # noqa: F401  (fixture)

# A new per-case measure, as a contributor would add it to metrics/measures.py.
ADD_A_MEASURE = textwrap.dedent("""
    import sys
    import metrics.measures as ms
    new = ms.Measure(name="closed_by_judgment", kind=ms.Kind.FLOW, event=ms.Event.CLOSED,
                     cases="counted AND closing_method = '判决'")
    ms.MEASURES = ms.MEASURES + (new,)
    ms.BY_NAME[new.name] = new
    command = sys.argv[1]
    sys.argv = ["python -m " + command] + sys.argv[2:]
    if command == "metrics":
        from metrics.__main__ import main
    else:
        from data.__main__ import main
    sys.exit(main(sys.argv[1:]))
""")


def _run(*args: str, added: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", ADD_A_MEASURE, *args] if added else [sys.executable, "-m", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _same_figures(a: str, b: str) -> bool:
    """Two CSV outputs agree, numbers to 1e-9 (a scan and the facts add in different orders)."""
    rows_a, rows_b = list(csv.reader(io.StringIO(a))), list(csv.reader(io.StringIO(b)))
    if len(rows_a) != len(rows_b) or len(rows_a) < 2:
        return False
    for ra, rb in zip(rows_a, rows_b):
        for x, y in zip(ra, rb):
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                if x != y:
                    return False
                continue
            if abs(fx - fy) > 1e-9 * max(1.0, abs(fx), abs(fy)):
                return False
    return True


def _sha(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_a_new_database_records_its_facts_version(worked_db):  # noqa: F811
    with duckdb.connect(worked_db, read_only=True) as con:
        assert facts_state(con) is FactsState.CURRENT
        assert con.execute("SELECT version FROM facts_info").fetchone()[0] == version()


def test_adding_a_measure_keeps_an_existing_database_working(worked_db, tmp_path):  # noqa: F811
    db = str(tmp_path / "older.duckdb")
    with open(worked_db, "rb") as src, open(db, "wb") as dst:
        dst.write(src.read())
    query = ["--db", db, "--period", "2025", "--by", "court", "--format", "csv"]
    before = _run("metrics", *query)
    assert before.returncode == 0 and before.stderr == ""

    # the code now declares one more measure: the database's facts are older than the code
    stale = _run("metrics", *query, added=True)
    assert stale.returncode == 0, stale.stderr
    assert _same_figures(stale.stdout, before.stdout)  # same figures, computed by scanning the cases
    note = stale.stderr.strip().splitlines()
    assert len(note) == 1 and "python -m data refresh --db" in note[0]

    # one command rebuilds the facts, atomically, and only when they are stale
    unchanged = _sha(db)
    refreshed = _run("data", "refresh", "--db", db, "--if-stale", added=True)
    assert refreshed.returncode == 0, refreshed.stderr
    assert _sha(db) != unchanged
    again = _run("data", "refresh", "--db", db, "--if-stale", added=True)
    assert "current" in again.stdout
    after = _run("metrics", *query, added=True)
    assert after.returncode == 0 and after.stderr == "" and _same_figures(after.stdout, before.stdout)
    with duckdb.connect(db, read_only=True) as con:
        columns = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'facts'").fetchall()}
        assert "closed_by_judgment" in columns
        judged = con.execute("SELECT sum(closed_by_judgment) FROM facts").fetchone()[0]
        assert judged == con.execute("SELECT count(*) FROM cases WHERE counted AND closing_method = '判决' "
                                     "AND closed_date IS NOT NULL").fetchone()[0]
        # everything else came across unchanged
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] > 0
        assert con.execute("SELECT value FROM meta WHERE key = 'kind'").fetchone()[0] == "import"
    # and this code, without the added measure, sees those facts as stale in turn
    with duckdb.connect(db, read_only=True) as con:
        assert facts_state(con) is FactsState.STALE


def test_refresh_of_a_missing_database_is_a_clear_error(tmp_path):
    p = _run("data", "refresh", "--db", str(tmp_path / "none.duckdb"))
    assert p.returncode == 2 and "database not found" in p.stderr


def test_facts_from_a_folder_without_exported_cases_is_a_clear_error(tmp_path):
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"out-{engine}"
        p = _run("data", "facts", "--engine", engine, "--cases", str(tmp_path / "none"), "--out", str(out))
        assert p.returncode == 2 and "no cases Parquet files" in p.stderr and "Traceback" not in p.stderr
        assert not out.exists()  # nothing written


def test_the_dashboard_and_the_briefing_say_so_in_one_line(worked_db, tmp_path, monkeypatch):  # noqa: F811
    """A database whose facts are older: every page shows one warning with the command, and works."""
    from streamlit.testing.v1 import AppTest

    db = str(tmp_path / "older.duckdb")
    with open(worked_db, "rb") as src, open(db, "wb") as dst:
        dst.write(src.read())
    with duckdb.connect(db) as con:  # facts as an earlier version of the measures left them
        con.execute("UPDATE facts_info SET version = 'older'")
    report = subprocess.run([sys.executable, "-m", "report", "briefing", "--db", db, "--period", "2025",
                             "--out", str(tmp_path / "b.docx")], cwd=ROOT, capture_output=True, text=True)
    assert report.returncode == 0 and "python -m data refresh --db" in report.stderr
    monkeypatch.setenv("SPZX_DB", db)
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)
    at.session_state["_user"] = "local_admin"
    users = tmp_path / "users.toml"
    users.write_text('[settings]\ndemo_mode = false\n[users.local_admin]\nname = "管理员"\nrole = "admin"\n'
                     'password_hash = "x"\n', encoding="utf-8")
    monkeypatch.setenv("SPZX_USERS", str(users))
    at.run()
    assert not at.exception
    warnings = [html.unescape(w.value) for w in at.warning]  # the Markdown source: data text is escaped
    assert len(warnings) == 1 and "python -m data refresh --db" in warnings[0]
    assert headline_figures(at).get("新收", "—") != "—"  # the figures are there, computed by scanning


def test_refresh_derives_the_spec_v2_columns_of_a_database_from_before(tmp_path):
    """A database written before spec v2 (no v2 case columns, no judges list, no derived leader or
    origin 涉企 flag) gains them on refresh: its figures stay, the management indicators read as
    blanks do, and the facts are current again."""
    from tests.test_metrics_worked_example import EX2

    db = str(tmp_path / "v1.duckdb")
    p = subprocess.run([sys.executable, "-m", "data", "ingest", os.path.join(EX2, "cases.csv"), "--courts",
                        os.path.join(EX2, "courts.csv"), "--db", db, "--rejects", str(tmp_path / "r.csv")],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    query = ["--db", db, "--period", "2025", "--by", "court", "--format", "csv"]
    wanted = [i for i in ("received", "closed", "pending", "within_limit_rate", "reversal_remand_rate",
                          "backlog_clearance_rate")]
    before = _run("metrics", *query, *[a for i in wanted for a in ("--indicator", i)])
    with duckdb.connect(db) as con:
        con.execute("DROP TABLE judge_list")
        for col in ("initial_procedure", "four_types", "reviewed", "enterprise", "leader", "origin_enterprise"):
            con.execute(f"ALTER TABLE cases DROP COLUMN {col}")
        con.execute("UPDATE facts_info SET version = 'older'")
    refreshed = _run("data", "refresh", "--db", db, "--if-stale")
    assert refreshed.returncode == 0, refreshed.stderr
    with duckdb.connect(db, read_only=True) as con:
        assert facts_state(con) is FactsState.CURRENT
        assert con.execute("SELECT count(*) FROM judge_list").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FILTER (WHERE leader OR enterprise OR four_types), "
                           "count(*) FILTER (WHERE initial_procedure IS DISTINCT FROM procedure) FROM cases"
                           ).fetchone() == (0, 0)
    after = _run("metrics", *query, *[a for i in wanted for a in ("--indicator", i)])
    assert after.returncode == 0 and after.stderr == ""
    assert _same_figures(after.stdout, before.stdout)
    share = _run("metrics", "--db", db, "--period", "2025", "--indicator", "leader_closed_share", "--format", "csv")
    assert share.stdout.splitlines()[1] == "leader_closed_share,,,"  # no judges list: no value at all
