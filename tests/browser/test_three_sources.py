"""诉源·案源·访源 side by side on 诉源治理, and a visit indicator's drill-down listing its visits, on
worked-example-v3 with its visits list (Chinese and English); the demo, without a visits list,
says so in the 访源 column."""
from __future__ import annotations

import os

import duckdb
import pytest

from metrics import Period, Scope
from metrics.api import indicator_table
from metrics.catalogue import BY_ID, View, in_view
from present import format as fmt
from tests.browser.conftest import open_as, shot, start_server, stop_server, wait_ready
from tests.browser.test_import_page import _sign_in_office
from tests.browser.test_import_visits import V3

LINK = "period=2025Q3&cum=true&pk=quarter"
PERIOD = Period.parse("2025Q3", cumulative=True)


@pytest.fixture(scope="module")
def v3_server(tmp_path_factory):
    """The worked example v3 imported as its README says: cases, courts, judges, then visits."""
    from data.__main__ import main as cli_main

    folder = tmp_path_factory.mktemp("three")
    db = str(folder / "court.duckdb")
    assert cli_main(["ingest", os.path.join(V3, "cases.csv"), "--courts", os.path.join(V3, "courts.csv"),
                     "--judges", os.path.join(V3, "judges.csv"), "--db", db, "--rejects", str(folder / "r.csv")]) == 0
    assert cli_main(["visits", os.path.join(V3, "visits.csv"), "--db", db, "--rejects", str(folder / "vr.csv")]) == 0
    url, proc = start_server(db, "streamlit_three_sources.log")
    yield url, db
    stop_server(proc)


def _table(db) -> object:
    with duckdb.connect(db, read_only=True) as con:
        return indicator_table(con, PERIOD, Scope(court="示", with_subordinates=True)).set_index("indicator")


def _open_as_office(page, url: str, link: str, lang: str, timeout: float = 120000) -> None:
    """Signed in as the office, the page at `link` in `lang`, once it has run."""
    _sign_in_office(page, url)
    page.goto(url + link + ("&lang=English" if lang == "en" else ""))
    wait_ready(page, timeout)


def _no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_three_sources_side_by_side(v3_server, page, lang):
    url, db = v3_server
    _open_as_office(page, url, f"/source?{LINK}", lang)
    heading = "诉源·案源·访源" if lang == "zh" else "Disputes, cases and visits at source"
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60000)
    table = _table(db)
    for key, view in (("three_suit", View.THREE_SUIT), ("three_case", View.THREE_CASE),
                      ("three_visits", View.THREE_VISITS)):
        column = page.locator(f"[data-source='{key}']")
        assert column.count() == 1
        for ind_id in in_view(view):
            card = column.locator(f"[data-indicator='{ind_id}']")
            assert card.count() == 1, ind_id
            shown = fmt.value(BY_ID[ind_id], table.loc[ind_id, "value"], lang)
            assert card.locator(".spzx-value").inner_text() == shown
    _no_error(page)
    page.get_by_role("heading", name=heading).first.scroll_into_view_if_needed()
    shot(page, f"three_sources_{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_visit_indicator_drills_down_to_its_visits(v3_server, page, lang):
    url, db = v3_server
    _open_as_office(page, url, f"/compare?{LINK}&ind=repeat_visit_rate", lang)
    page.get_by_text("本范围明细信访" if lang == "zh" else "Letters and visits behind the figure for the whole scope").click()
    wait_ready(page, 120000)
    row = _table(db).loc["repeat_visit_rate"]
    total = int(row["denominator"])  # every visit received: the repeats (numerator) first
    caption = (f"共 {total:,} 件信访，其中影响指标 {int(row['numerator']):,} 件" if lang == "zh"
               else f"{total:,} letters and visits, {int(row['numerator']):,} of them pull the figure")
    page.get_by_text(caption).first.wait_for(timeout=60000)
    grid = page.locator("[data-testid='stDataFrame']").last
    grid.scroll_into_view_if_needed()
    headers = [h.strip() for h in grid.locator("[role='columnheader']").all_inner_texts()]
    for header in (("信访编号", "登记日期", "信访形式", "案号", "法院") if lang == "zh"  # the columns in view
                   else ("Visit no.", "Received", "Form")):
        assert header in headers, (header, headers)
    cells = [c.strip() for c in grid.locator("[role='gridcell']").all_inner_texts()]
    assert any(c.startswith("XF") for c in cells)  # visits, not cases
    _no_error(page)
    shot(page, f"visit_drill_{lang}")


def test_without_a_visits_list_the_visits_column_says_so(no_visits_server, page):
    open_as(page, f"{no_visits_server}/source")
    page.get_by_role("heading", name="诉源·案源·访源").first.wait_for(timeout=60000)
    column = page.locator("[data-source='three_visits']")
    assert column.get_by_text("未导入涉诉信访台账，访源暂无数据。").count() == 1
    assert column.locator("[data-indicator]").count() == 0
    assert page.locator("[data-source='three_suit'] [data-indicator]").count() == 2
    _no_error(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_briefing_page_shows_its_visits_section(v3_server, page, lang):
    url, db = v3_server
    _open_as_office(page, url, f"/briefing?{LINK}", lang, timeout=180000)
    title = "九、访源治理" if lang == "zh" else "9. Letters and visits"
    heading = page.get_by_role("heading", name=title).first
    heading.wait_for(timeout=120000)
    heading.scroll_into_view_if_needed()
    table = _table(db)
    overdue = fmt.value(BY_ID["visits_overdue"], table.loc["visits_overdue", "value"], lang)
    line = "期末登记超过60天仍未办结的" if lang == "zh" else "pending at its end more than 60 days"
    assert page.get_by_text(line).count() == 1 and overdue in page.get_by_text(line).inner_text()
    _no_error(page)
    shot(page, f"briefing_visits_{lang}")
