"""The import page takes a letters-and-visits list (spec v3) in a real browser: known by its
header and imported with its rejects listed at their lines (Chinese); a source system's export
with its own headers, not recognised, mapped in the mapping step as a visits list (English);
then the visit indicators have values on the comparison page, in both languages."""
from __future__ import annotations

import csv
import os

import duckdb
import pytest

from metrics import CATALOGUE

from tests.browser.conftest import shot, start_server, stop_server, wait_ready
from tests.browser.test_import_mapping import _box, _choose
from tests.browser.test_import_page import _sign_in_office

V3 = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "spec", "worked-example-v3")
if not os.path.isdir(V3):
    V3 = os.path.join(os.path.dirname(__file__), "..", "spec", "worked-example-v3")
BAD_ROW = ["XF2025990001", "示01", "2025-05-06", "传真", "P1", "", "否", "否", "", ""]  # no such form
# a source system's own headers (none of the list's own names)
THEIRS = {"visit_no": "信访件编号", "court_code": "登记法院", "received_date": "来信来访日期", "form": "来访方式",
          "petitioner_id": "信访人", "case_no": "关联案号", "skip_level": "越级访", "hearing": "听证",
          "closed_date": "办结时间", "outcome": "处理结果"}


@pytest.fixture(scope="module")
def v3_server(tmp_path_factory):
    """A court's database of the worked example v3's cases, courts and judges, no visits yet."""
    from data.ingest import ingest

    folder = tmp_path_factory.mktemp("visits")
    db = str(folder / "court.duckdb")
    ingest(os.path.join(V3, "cases.csv"), os.path.join(V3, "courts.csv"), db, str(folder / "r.csv"),
           judges_path=os.path.join(V3, "judges.csv"))
    url, proc = start_server(db, "streamlit_import_visits.log")
    yield url, db
    stop_server(proc)


def _rows() -> list[list[str]]:
    with open(os.path.join(V3, "visits.csv"), encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path, rows) -> str:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return str(path)


def _upload(page, path: str) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(path)
    page.get_by_role("button", name="开始导入" if "English" not in page.url else "Import").wait_for(timeout=120000)
    wait_ready(page, 120000)


def _rejects_grid(page, reason: str):
    """The table of rejected rows (the mapping step's and the versions' are tables too)."""
    grid = next(g for g in page.locator("[data-testid='stDataFrame']").all()
                if reason in [h.strip() for h in g.locator("[role='columnheader']").all_inner_texts()])
    grid.scroll_into_view_if_needed()
    return grid


def _visits(db) -> int:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute("SELECT count(*) FROM visits").fetchone()[0]


def test_a_visits_list_is_recognised_and_its_rejects_listed(v3_server, page, tmp_path):
    url, db = v3_server
    rows = _rows()
    f = _write(tmp_path / "信访登记表.csv", rows + [BAD_ROW])
    bad_row = len(rows)  # rows after the header: the worked example's, then this one
    _sign_in_office(page, url)
    _upload(page, f)
    assert page.get_by_text("按表头识别为：涉诉信访登记表").is_visible()
    assert page.get_by_text("按当前对照校验前 18 行：15 行通过。").is_visible()  # rows 2, 9 and 14 break rules
    assert _box(page, "信访编号（visit_no）*").count() == 1 and _box(page, "案号（case_no）*").count() == 0
    assert page.get_by_text("数据截至（可选）").count() == 0  # no data date for a visits list
    shot(page, "import_visits_recognised")
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("信访登记已导入").first.wait_for(timeout=120000)
    wait_ready(page, 120000)
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[:4] == ["41", "33", "8", "0"]  # the worked example's 33 and 7, and the bad row
    assert _visits(db) == 33
    shot(page, "import_visits_rejects")
    grid = _rejects_grid(page, "原因")
    assert [h.strip() for h in grid.locator("[role='columnheader']").all_inner_texts()] == ["行号", "信访编号", "原因"]
    cells = [c.strip() for c in grid.locator("[role='gridcell']").all_inner_texts()]
    assert cells[:2] == ["3", "XF2025000003"] and "登记日期早于1950-01-01" in cells[2]  # row 2, the sheet's line 3
    at = cells.index("XF2025990001")
    assert cells[at - 1] == str(bad_row + 1) and cells[at + 1] == "信访形式无效：传真"
    shot(page, "import_visits_rejects")
    with page.expect_download(timeout=30000) as dl:
        page.get_by_role("button", name="下载被拒绝的行").click()
    with open(dl.value.path(), encoding="utf-8-sig") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["row", "visit_no", "reason"] and len(got) == 9
    assert got[-1][:2] == [str(bad_row), "XF2025990001"] and "unknown form: 传真" in got[-1][2]
    # the database before it is kept as a version, to roll back to
    from data import versions

    assert len(versions.list_versions(db)) == 1 and page.get_by_text("回退到版本").count() == 1
    from security import audit

    details = [e[-1] for e in audit.entries(path=os.path.join(os.path.dirname(db), "state.sqlite")) if "import" in e]
    assert any("visits list" in d and "accepted 33" in d for d in details)


def test_renamed_headers_are_mapped_as_a_visits_list_in_english(v3_server, page, tmp_path):
    url, db = v3_server
    rows = _rows()
    theirs = [[THEIRS[h] for h in rows[0]]] + rows[1:]
    f = _write(tmp_path / "export.csv", theirs)
    _sign_in_office(page, url)
    page.goto(f"{url}/import?lang=English")
    page.locator(".st-key-up_cases").wait_for(timeout=60000)
    wait_ready(page)
    _upload(page, f)
    assert page.get_by_text("The header is neither a case list's nor a letters-and-visits list's").is_visible()
    page.get_by_text("a letters-and-visits list", exact=True).click()
    page.get_by_role("button", name="Apply").wait_for(timeout=120000)
    wait_ready(page, 120000)
    # the aliases proposed every column but 来访方式 (form): a required column is missing until mapped
    assert "required column missing: form（信访形式）" in page.locator("[data-testid='stAlertContentWarning']").inner_text()
    assert _box(page, "visit_no (信访编号) *").get_by_role("combobox").input_value() == "信访件编号"
    _choose(page, _box(page, "form (信访形式) *").first, "来访方式")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("The first 18 rows checked with this mapping: 15 pass.").wait_for(timeout=120000)
    wait_ready(page, 120000)
    shot(page, "import_visits_mapping_en")
    # saved as a profile of the visits list: offered for the next visits list, not for case lists
    page.get_by_label("Save as import profile (name)").fill("某信访系统")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Visits list profile 某信访系统 saved").wait_for(timeout=60000)
    wait_ready(page, 120000)
    from data import profiles

    saved = profiles.load(os.path.join(os.path.dirname(db), "profiles", "某信访系统.toml"))
    assert saved.record == "visits" and saved.columns["来访方式"] == "form" and saved.columns["信访件编号"] == "visit_no"
    assert _box(page, "Import profile").first.get_by_role("combobox").input_value() == "某信访系统"
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Visits imported").first.wait_for(timeout=120000)
    wait_ready(page, 120000)
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[:4] == ["40", "33", "7", "33"]  # the same visits again: every one an update
    assert _visits(db) == 33
    grid = _rejects_grid(page, "Reason")
    assert [h.strip() for h in grid.locator("[role='columnheader']").all_inner_texts()][:3] == [
        "Line", "Visit no.", "Reason"]
    cells = [c.strip() for c in grid.locator("[role='gridcell']").all_inner_texts()]
    assert cells[:2] == ["3", "XF2025000003"] and "received_date is before 1950-01-01" in cells[2]
    shot(page, "import_visits_done_en")


def test_nothing_accepted_leaves_the_data_and_a_bad_file_is_said(v3_server, page, tmp_path):
    """A visits list whose every row breaks a rule changes nothing and says so; a file that is
    no list at all is refused with a clear message, the data unchanged."""
    import hashlib

    url, db = v3_server
    before = hashlib.sha256(open(db, "rb").read()).hexdigest()
    head = _rows()[0]
    f = _write(tmp_path / "全错.csv", [head, BAD_ROW])
    _sign_in_office(page, url)
    page.locator(".st-key-up_courts input[type='file']").set_input_files(os.path.join(V3, "courts.csv"))
    wait_ready(page)
    _upload(page, f)
    assert page.get_by_text("此次上传的法院名录、法官名录不会导入").is_visible()  # a court list beside a visits list
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("没有接收任何行，数据库未改动").wait_for(timeout=120000)
    wait_ready(page, 120000)
    assert page.locator("[data-testid='stMetricValue']").all_inner_texts()[:4] == ["1", "0", "1", "0"]
    cells = [c.strip() for c in _rejects_grid(page, "原因").locator("[role='gridcell']").all_inner_texts()]
    assert cells == ["2", "XF2025990001", "信访形式无效：传真"]
    shot(page, "import_visits_nothing")
    page.goto(f"{url}/import")
    wait_ready(page)
    broken = tmp_path / "坏文件.csv"
    broken.write_bytes(b"\xff\xfe\x00garbage\x81\x30")  # neither UTF-8 nor GB18030
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(broken))
    page.get_by_text("编码既不是 UTF-8 也不是 GB18030").first.wait_for(timeout=120000)
    wait_ready(page, 120000)
    assert "坏文件.csv" in page.locator("[data-testid='stAlertContentError']").first.inner_text()
    shot(page, "import_visits_bad_file")
    assert hashlib.sha256(open(db, "rb").read()).hexdigest() == before and _visits(db) == 33


@pytest.mark.parametrize("lang,name,title", [("", "万件结案信访率", "对比分析"),
                                             ("&lang=English", "visits per 10,000 cases closed", "Compare")])
def test_the_visit_indicators_then_have_values(v3_server, page, lang, name, title):
    """The comparison page draws 万件结案信访率 for the courts; the figures are the worked example's
    (expected/q13.csv, the visit indicators of 2025 by court), read from the database the page filled."""
    url, db = v3_server
    _sign_in_office(page, url)
    page.goto(f"{url}/compare?ind=visits_per_10k_closed{lang}")
    wait_ready(page, 120000)
    page.get_by_role("heading", name=title).first.wait_for(timeout=60000)
    assert page.get_by_role("heading", name=name).count() == 1  # the chart's title: the indicator and its period
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 1
    assert page.get_by_text("所选范围内没有案件" if not lang else "No cases in the selected scope").count() == 0
    shot(page, f"compare_visits{'_en' if lang else ''}")
    if lang:
        return
    import subprocess
    import sys

    from tests.browser.conftest import ROOT

    out = subprocess.run([sys.executable, "-m", "metrics", "--db", db, "--period", "2025", "--by", "court",
                          "--format", "csv"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    visit_ids = {i.id for i in CATALOGUE if i.group == "visits"}

    def visit_rows(rows):
        return {(r["court_code"], r["indicator"]): (r["numerator"], r["denominator"],
                                                    round(float(r["value"]), 9) if r["value"] else None)
                for r in rows if r["indicator"] in visit_ids}

    with open(os.path.join(V3, "expected", "q13.csv"), encoding="utf-8") as f:
        want = visit_rows(csv.DictReader(f))
    assert len(want) >= 8 * 8 and visit_rows(csv.DictReader(out.splitlines())) == want
