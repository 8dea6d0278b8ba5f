"""A database whose data date cannot be used (a date after today, stored before spec v2 rejected
such rows) still opens every page, counted as of today, with a warning that says why."""
from __future__ import annotations

import csv
import html
import datetime as dt
import os

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.ingest import ingest
from metrics import inventory
from tests.helpers import ROOT, WORKED
from ui.pages import PAGES

USERS = """
[settings]
demo_mode = false
[users.office]
name = "审管办"
role = "admin"
password_hash = "x"
[users.judge]
name = "法官"
role = "judge"
court = "示0102"
division = "民一庭"
judge_id = "J0102001"
password_hash = "x"
"""


@pytest.fixture(scope="module")
def far_db(tmp_path_factory):
    """The worked example plus one case closed on 9999-12-31, imported as if that day were today."""
    d = tmp_path_factory.mktemp("far")
    with open(os.path.join(WORKED, "cases.csv"), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, far = rows[0], list(rows[1])
    far[header.index("case_no")] = far[header.index("case_no")].replace("号", "999号")
    far[header.index("closed_date")] = "9999-12-31"
    with open(d / "cases.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows + [far])
    db = d / "far.duckdb"
    ingest(str(d / "cases.csv"), os.path.join(WORKED, "courts.csv"), str(db), str(d / "r.csv"), today=dt.date(9999, 12, 31))
    (d / "users.toml").write_text(USERS, encoding="utf-8")
    return db, d / "users.toml"


def test_the_stored_date_reads_as_today(far_db):
    with duckdb.connect(str(far_db[0]), read_only=True) as con:
        m = inventory.meta(con, today=dt.date(2026, 11, 22))
        assert (m["data_date"], m["data_date_stored"]) == ("2026-11-22", "9999-12-31")
        assert inventory.first_year(con) <= 2026


@pytest.mark.parametrize("user,page", [("office", p.key) for p in PAGES if "admin" in p.roles]
                         + [("judge", p.key) for p in PAGES if "judge" in p.roles])
def test_every_page_opens(far_db, monkeypatch, tmp_path, user, page):
    db, users = far_db
    monkeypatch.setenv("SPZX_DB", str(db))
    monkeypatch.setenv("SPZX_USERS", str(users))
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=120)
    at.session_state["_user"] = user
    at.run()
    at.switch_page(PAGES[[p.key for p in PAGES].index(page)].path).run()
    assert not at.exception, at.exception
    if page != "screen":  # the big screen has no header; it shows the data date it counts from
        assert any("9999-12-31" in html.unescape(w.value) for w in at.warning), [w.value for w in at.warning]
        # when data last arrived, and from which file
        assert any("最近导入" in html.unescape(c.value) and "（cases.csv）" in html.unescape(c.value) for c in at.caption)
