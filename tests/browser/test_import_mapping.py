"""The import page's mapping step in a real browser, with a basic court's own GB18030 export
(tests/court_export.py): picks made in one form and applied once, the upload box in the
interface's language, the saved profile then in use."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.conftest import open_as, shot, start_server, stop_server, wait_ready
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
    box = _box(page, label)
    choice = page.get_by_role("option", name=option, exact=True)
    box.get_by_role("combobox").click()
    if not choice.is_visible():  # the list may still be closing from the pick before
        page.wait_for_timeout(500)
        box.get_by_role("combobox").click()
    choice.click()
    page.wait_for_timeout(300)


def _upload(page, url: str, tmp_path, lang: str = "") -> None:
    open_as(page, f"{url}/import{lang}")
    export = write_export(tmp_path / EXPORT_NAME)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(export))
    page.get_by_role("button", name="应用对照" if not lang else "Apply").wait_for(timeout=120000)
    wait_ready(page, 120000)


def test_the_upload_box_speaks_the_interface_language(mapping_server, page):
    url, _db = mapping_server
    open_as(page, f"{url}/import")
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
