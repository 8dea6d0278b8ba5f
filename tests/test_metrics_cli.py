"""python -m metrics: bad input gives one line and a non-zero exit, never a traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.test_metrics_worked_example import EX, ROOT, worked_db  # noqa: F401  (fixture)


def run(*args):
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("args,needle", [
    (["--period", "2025Q5"], "period"),
    (["--period", "25"], "period"),
    (["--period", "2025-13"], "month"),
    (["--period", "2025", "--indicator", "nope"], "unknown indicator"),
    (["--period", "2025", "--court", "示99"], "unknown court"),
    (["--period", "2025", "--court", "示' OR 1=1 --"], "unknown court"),
    (["--period", "2025", "--category", "民商"], "unknown category"),
    (["--period", "2025", "--by", "week"], "invalid choice"),  # team is a grouping since spec v3
    (["--period", "2025", "--with-subordinates"], "--court"),
])
def test_bad_input(worked_db, args, needle):  # noqa: F811
    p = run("--db", worked_db, *args)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert needle in p.stderr


def test_missing_database(tmp_path):
    p = run("--db", str(tmp_path / "none.duckdb"), "--period", "2025")
    assert p.returncode != 0 and "not found" in p.stderr and "Traceback" not in p.stderr


def test_json_and_table_formats(worked_db):  # noqa: F811
    import json

    p = run("--db", worked_db, "--period", "2025", "--indicator", "received", "--format", "json")
    rows = json.loads(p.stdout)
    assert rows == [{"indicator": "received", "numerator": rows[0]["numerator"], "denominator": "",
                     "value": rows[0]["numerator"]}]
    t = run("--db", worked_db, "--period", "2025", "--indicator", "closed", "--format", "table")
    assert t.stdout.splitlines()[0].split() == ["indicator", "numerator", "denominator", "value"]


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`python -m metrics … | head -1`: the pipe closes after one line; no traceback follows."""
    from data.demo import generate

    db = str(tmp_path / "demo.duckdb")
    generate(db, cases=20_000, progress=False)
    cmd = [sys.executable, "-m", "metrics", "--db", db, "--period", "2026Q3", "--by", "judge"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # as head does after its line
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert first.startswith(b"court_code")
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
