"""The import page's 回退 after a rollback: the version now in use is not offered, and the next
rollback has to be confirmed again."""
from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from tests.browser.conftest import ROOT, shot, start_server, stop_server, wait_ready
from tests.browser.test_import_page import _sign_in_office

EX = os.path.join(ROOT, "tests", "spec", "worked-example")


@pytest.fixture(scope="module")
def imported(demo_db, tmp_path_factory):
    """A server on a copy of the demo with one import on top: the demo is kept as a version."""
    from data.ingest import ingest

    db = str(tmp_path_factory.mktemp("rollback") / "court.duckdb")
    shutil.copy(demo_db, db)
    ingest(os.path.join(EX, "cases.csv"), None, db, os.path.join(os.path.dirname(db), "r.csv"))
    url, proc = start_server(db, "streamlit_rollback.log")
    yield url, db
    stop_server(proc)


def _kind(db: str) -> str:
    with duckdb.connect(db, read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())["kind"]


def test_after_a_rollback_the_version_in_use_is_not_offered_and_the_confirmation_is_cleared(imported, page):
    from data import versions

    url, db = imported
    _sign_in_office(page, url)
    form = page.locator("[data-testid='stForm']").filter(has_text="回退")
    picker = form.locator("[data-testid='stSelectbox'] input")
    sure = form.get_by_text("我确认要用所选版本替换当前数据")
    demo = versions.list_versions(db)[0]
    assert demo.kind == "demo" and not demo.current
    assert picker.input_value() == demo.name
    sure.click()
    form.get_by_role("button", name="回退").click()
    page.get_by_text("已回退到版本").wait_for(timeout=60000)
    wait_ready(page)
    assert _kind(db) == "demo"
    kept = versions.list_versions(db)
    in_use = [v.name for v in kept if v.current]
    assert in_use == [demo.name]
    # the picker offers the import just replaced, never the demo now in use
    assert kept[0].kind == "import" and picker.input_value() == kept[0].name
    picker.click()
    offered = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert offered and demo.name not in " ".join(offered) and kept[0].name in " ".join(offered)
    assert not form.get_by_role("checkbox").is_checked()
    shot(page, "rollback_after")
    form.get_by_role("button", name="回退").click()  # not confirmed again: nothing happens
    wait_ready(page)
    assert _kind(db) == "demo"
