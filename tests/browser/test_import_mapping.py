"""The import page's mapping step in a real browser, with a basic court's own GB18030 export
(tests/court_export.py): picks made in one form and applied once, the upload box in the
interface's language, the saved profile then in use."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.conftest import shot, start_server, stop_server, wait_ready
from tests.browser.test_import_page import _confirm_leaving_demo, _sign_in_office
from tests.court_export import THEIR_HEADERS, THEIR_WORDS, write_export

EXPORT_NAME = "鹤鸣县法院导出.csv"
LABELS = {"case_no": "案号（case_no）*", "judge_id": "承办人工号（judge_id）*", "judge_name": "承办人（judge_name）*",
          "filed_date": "立案日期（filed_date）*"}
# the app's script runs, counted in the page
COUNT_RUNS = """
window.__runs = 0;
new MutationObserver(() => {
  if (document.querySelector("[data-testid='stApp']").getAttribute('data-test-script-state') === 'running') window.__runs++;
}).observe(document.querySelector("[data-testid='stApp']"), {attributes: true});
"""


@pytest.fixture(scope="module")
def mapping_server(demo_db, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("mapping") / "court.duckdb")
    shutil.copy(demo_db, db)
    url, proc = start_server(db, "streamlit_import_mapping.log")
    yield url, db
    stop_server(proc)


def _box(page, label: str):
    return page.locator("[data-testid='stSelectbox']").filter(
        has=page.locator("[data-testid='stWidgetLabel']", has_text=label))


def _pick(page, label: str, option: str) -> None:
    _choose(page, _box(page, label).first, option)


def _choose(page, box, option: str) -> None:
    """One click opens the box, as a user clicks it: in view first (a click that scrolls the
    page to the box lands while it moves, and the box stays shut)."""
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_timeout(300)


def _upload(page, url: str, tmp_path, lang: str = "") -> None:
    _sign_in_office(page, url)  # a demo account cannot import: the page stops for it on the demo
    if lang:
        page.goto(f"{url}/import{lang}")
        page.locator(".st-key-up_cases").wait_for(timeout=60000)
        wait_ready(page)
    export = write_export(tmp_path / EXPORT_NAME)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(export))
    page.get_by_role("button", name="应用对照" if not lang else "Apply").wait_for(timeout=120000)
    wait_ready(page, 120000)


def test_the_upload_box_speaks_the_interface_language(mapping_server, page):
    url, _db = mapping_server
    _sign_in_office(page, url)
    for lang, button in (("", "选择文件"), ("?lang=English", "Upload")):
        page.goto(f"{url}/import{lang}")
        page.locator(".st-key-up_courts").wait_for(timeout=60000)
        wait_ready(page)
        drop = page.locator(".st-key-up_courts [data-testid='stFileUploaderDropzone']")
        shown = drop.evaluate("""d => [d.querySelector('button p'), d.querySelector(
            "[data-testid='stFileUploaderDropzoneInstructions'] span")].map(e => [
            getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content])""")
        # Streamlit's own English words drawn at size 0, ours over them
        assert shown[0] == ["0px", f'"{button}"']
        assert shown[1][0] == "0px" and "200MB" in shown[1][1] and "CSV / XLSX / PARQUET" in shown[1][1]
        assert ("单个文件不超过" in shown[1][1]) == (not lang)
        shot(page, f"import_upload_box{'_en' if lang else ''}")


def test_picks_wait_for_apply_and_the_saved_profile_stays_chosen(mapping_server, page, tmp_path):
    url, db = mapping_server
    _upload(page, url, tmp_path)
    # the required columns it misses are named in the file's own name, not the name it was saved under
    warning = page.locator("[data-testid='stAlertContentWarning']").inner_text()
    assert warning.startswith(f"{EXPORT_NAME}: 缺少必需的列") and "cases0" not in warning
    assert _box(page, LABELS["case_no"]).get_by_role("combobox").input_value() == "（不导入）"
    assert "None" not in page.locator("[data-testid='stExpander']").inner_text()
    shot(page, "import_mapping_proposed")
    page.evaluate(COUNT_RUNS)
    for col, header in THEIR_HEADERS.items():
        _pick(page, LABELS[col], header)
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__runs") == 0  # four picks, and the page did not run once
    assert page.get_by_text(f"{EXPORT_NAME}: 缺少必需的列").is_visible()  # nothing applied yet
    page.get_by_role("button", name="应用对照").click()
    page.get_by_text("按当前对照校验前 13 行：").wait_for(timeout=120000)
    wait_ready(page, 120000)
    assert page.get_by_text("按当前对照校验前 13 行：0 行通过。").is_visible()  # the words are not the format's yet
    runs = page.evaluate("window.__runs")
    for meant, word in THEIR_WORDS.items():
        _pick(page, word, meant)
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__runs") == runs
    page.get_by_role("button", name="应用对照").click()
    page.get_by_text("按当前对照校验前 13 行：11 行通过。").wait_for(timeout=120000)
    wait_ready(page, 120000)
    # each row checked at its line in the spreadsheet, the verdict in the interface's language
    grid = page.locator("[data-testid='stExpander'] [data-testid='stDataFrame']").first
    assert [h.strip() for h in grid.locator("[role='columnheader']").all_inner_texts()] == ["行号", "案号", "校验结果"]
    cells = [c.strip() for c in grid.locator("[role='gridcell']").all_inner_texts()]
    assert cells[:3] == ["2", "(2026)示0203民初701号", "✓ 通过"]
    assert cells[9:12] == ["5", "(2026)示0203民初704号", "立案日期不是有效日期：2026-02-30"]
    page.get_by_label("保存为导入配置（名称）").fill("鹤鸣县系统")
    page.get_by_role("button", name="保存配置").click()
    page.get_by_text("已保存导入配置 鹤鸣县系统").wait_for(timeout=60000)
    wait_ready(page, 120000)
    assert os.path.exists(os.path.join(os.path.dirname(db), "profiles", "鹤鸣县系统.toml"))
    # the selector shows the profile just saved, and its mapping is the one in use
    assert _box(page, "导入配置").first.get_by_role("combobox").input_value() == "鹤鸣县系统"
    assert _box(page, LABELS["judge_id"]).get_by_role("combobox").input_value() == "主办人代码"
    assert page.get_by_text("按当前对照校验前 13 行：11 行通过。").is_visible()
    shot(page, "import_mapping_saved")


def test_rejected_rows_are_listed_and_their_workbook_imports_again(mapping_server, page, browser, tmp_path):
    """Through the court's profile: the 2 rejected rows listed at their spreadsheet lines with the
    reasons in Chinese, downloaded as a workbook, corrected, and imported again (in English)."""
    from data import profiles
    from tests.test_rejects import PROFILE, _fixed

    url, db = mapping_server
    profiles.save(PROFILE, os.path.join(os.path.dirname(db), "profiles", f"{PROFILE.name}.toml"))
    _sign_in_office(page, url)
    with page.expect_download(timeout=60000) as template:
        page.get_by_role("button", name="下载导入模板（Excel）").click()
    assert template.value.suggested_filename == "案件信息表导入模板.xlsx"
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(
        str(write_export(tmp_path / EXPORT_NAME)))
    _pick(page, "导入配置", PROFILE.name)
    page.get_by_text("按当前对照校验前 13 行：11 行通过。").wait_for(timeout=120000)
    wait_ready(page, 120000)
    _confirm_leaving_demo(page)
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("被拒绝的行", exact=True).wait_for(timeout=120000)
    wait_ready(page, 120000)
    assert page.locator("[data-testid='stMetricValue']").all_inner_texts()[:3] == ["13", "11", "2"]
    grid = page.get_by_role("heading", name="被拒绝的行").locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    grid.scroll_into_view_if_needed()
    shot(page, "import_rejects")
    assert [h.strip() for h in grid.locator("[role='columnheader']").all_inner_texts()] == ["行号", "案号", "原因"]
    cells = [c.strip() for c in grid.locator("[role='gridcell']").all_inner_texts()]
    assert cells[:3] == ["5", "(2026)示0203民初704号", "立案日期不是有效日期：2026-02-30"]  # its line in the file
    assert cells[3:5] == ["12", "(2026)示0203民初711号"] and cells[5].startswith("结案日期早于立案日期")
    assert not any("/" in c for c in cells)  # the reasons in the interface's language only
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name="下载 Excel 文件").click()
    sheet = tmp_path / "rejected.xlsx"
    dl.value.save_as(sheet)
    import openpyxl

    rows = list(openpyxl.load_workbook(sheet).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [5, 12] and rows[0][:2] == ("行号", "原因")
    fixed = _fixed(sheet, tmp_path, "")
    # the corrected workbook, imported again in a new session, in English
    other = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    _sign_in_office(other, url)
    other.goto(f"{url}/import?lang=English")
    other.locator(".st-key-up_cases").wait_for(timeout=60000)
    wait_ready(other)
    other.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(fixed))
    _pick(other, "Import profile", PROFILE.name)
    other.get_by_text("The first 2 rows checked with this mapping: 2 pass.").wait_for(timeout=120000)
    wait_ready(other, 120000)
    other.get_by_role("button", name="Import", exact=True).click()
    other.get_by_text("Imported; the dashboard now shows the new data").wait_for(timeout=120000)
    wait_ready(other, 120000)
    shot(other, "import_fixed_again_en")
    assert other.locator("[data-testid='stMetricValue']").all_inner_texts()[:3] == ["2", "2", "0"]
    assert other.get_by_text("Rejected rows", exact=True).count() == 0
    import duckdb

    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM cases WHERE case_no LIKE '(2026)示0203民初7__号'").fetchone()[0] == 13
    other.context.close()
