"""The issue's own path: the demo province (data to 2026-09-30) and then one court, 鹤鸣县, sends
October–November. 青岚中院 with its district is still counted to 2026-09-30, with 同比 against
January–September 2025, and the page says which court reaches further."""
from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from metrics.api import indicator_table
from metrics.engine import Scope
from metrics.periods import Period
from present import format as fmt
from metrics.catalogue import BY_ID
from tests.browser.conftest import LOCAL_PASSWORD, shot, start_server, stop_server, wait_ready
from tests.browser.test_leave_demo import _court_file


@pytest.fixture(scope="module")
def later_court(demo_db, tmp_path_factory):
    d = tmp_path_factory.mktemp("later_court")
    db = str(d / "province.duckdb")
    shutil.copy(demo_db, db)
    import subprocess
    import sys

    from tests.helpers import ROOT

    out = subprocess.run([sys.executable, "-m", "data", "ingest", _court_file(d / "鹤鸣县.csv"), "--db", db,
                          "--rejects", str(d / "r.csv")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    url, proc = start_server(db, "streamlit_court_dates.log")
    yield url, db, demo_db
    stop_server(proc)


def _figures(db: str, period: Period) -> tuple[str, str]:
    with duckdb.connect(db, read_only=True) as con:
        row = indicator_table(con, period, Scope(court="示02", with_subordinates=True), None, ["received"]).iloc[0]
    ind = BY_ID["received"]
    return fmt.value(ind, row["value"], "zh"), fmt.signed_change(ind, row["yoy_change"], "zh")


def test_a_district_waits_for_its_latest_court(later_court, page):
    url, db, demo_db = later_court
    page.goto(f"{url}/?court=示02&district=true")
    wait_ready(page)
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(LOCAL_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector(".spzx-card[data-indicator='received']", timeout=60000)
    wait_ready(page)
    shot(page, "court_dates_district")
    warning = page.get_by_text("本范围各法院的数据截至日期不同")
    assert "鹤鸣县人民法院 2026-11-23" in warning.inner_text() and "2026-09-30" in warning.inner_text()
    assert "period=2026Q3" in page.url  # the default period, written into the link: the third quarter
    nine_months = Period.parse("2026Q3", True)
    expected = _figures(db, nine_months)
    assert expected == _figures(demo_db, nine_months)  # the demo's own figures: the later court's months left out
    card = page.locator(".spzx-card[data-indicator='received']")
    assert card.locator(".spzx-value").inner_text() == expected[0]
    assert card.locator(".spzx-delta").inner_text().strip().lstrip("↑↓").strip() == expected[1]
    # 鹤鸣县 alone: its own date, its fourth quarter
    page.goto(f"{url}/?court=示0203")
    page.wait_for_selector(".spzx-card[data-indicator='received']", timeout=60000)
    wait_ready(page)
    assert page.get_by_text("本范围各法院的数据截至日期不同").count() == 0
    assert "数据截至 2026-11-23" in page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()
    assert "period=2026Q4" in page.url
    shot(page, "court_dates_later_court")
