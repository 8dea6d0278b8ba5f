"""The admin's import page in a real browser, on its own copy of the demo database."""
from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from tests.browser.conftest import ROOT, open_as, shot, start_server, stop_server, wait_ready

EX = os.path.join(ROOT, "tests", "spec", "worked-example")


def _server_on_a_copy(demo_db, tmp_path_factory, log: str):
    db = str(tmp_path_factory.mktemp("import") / "court.duckdb")
    shutil.copy(demo_db, db)
    url, proc = start_server(db, log)
    return url, db, proc


@pytest.fixture(scope="module")
def own_server(demo_db, tmp_path_factory):
    url, db, proc = _server_on_a_copy(demo_db, tmp_path_factory, "streamlit_import.log")
    yield url, db
    stop_server(proc)


@pytest.fixture(scope="module")
def demo_server(demo_db, tmp_path_factory):
    """Its database stays the demo (the crafted files change nothing), so the demo sign-in stays."""
    url, db, proc = _server_on_a_copy(demo_db, tmp_path_factory, "streamlit_import_crafted.log")
    yield url, db
    stop_server(proc)


def test_upload_imports_and_offers_the_rejected_rows(own_server, page):
    url, db = own_server
    with duckdb.connect(db, read_only=True) as con:
        before = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    _sign_in_office(page, url)  # a demo account cannot import real data (test_leave_demo.py)
    assert page.get_by_role("heading", name="数据导入").first.is_visible()
    # each upload box's button holds its Chinese words: the text is not drawn over the drop hint
    for box in page.locator("[data-testid='stFileUploaderDropzone']").all():
        button = box.locator("button").bounding_box()
        hint = box.locator("[data-testid='stFileUploaderDropzoneInstructions']").bounding_box()
        assert button["width"] > 80 and button["x"] + button["width"] <= hint["x"], (button, hint)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(os.path.join(EX, "cases.csv"))
    _confirm_leaving_demo(page)
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("导入完成").first.wait_for(timeout=120000)
    wait_ready(page)
    shot(page, "import_done")
    # the worked example: 308 rows read, 29 rejected (its cases whose court 示0299 is unknown here are rejected too)
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[0] == "308" and int(metrics[1].replace(",", "")) + int(metrics[2].replace(",", "")) == 308
    assert int(metrics[2]) >= 29
    with page.expect_download(timeout=30000) as dl:
        page.get_by_role("button", name="下载被拒绝的行").click()
    with open(dl.value.path(), encoding="utf-8-sig") as f:
        rows = f.read().splitlines()
    assert rows[0] == "row,case_no,reason" and len(rows) == int(metrics[2]) + 1
    with duckdb.connect(db, read_only=True) as con:
        after = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    assert before > 1000 and after == int(metrics[1].replace(",", ""))  # the first import replaces the demo
    # the import and the sign-in are in the audit log, and the audit page opens for the admin
    from security import audit

    events = [(e[1], e[2]) for e in audit.entries(path=os.path.join(os.path.dirname(db), "state.sqlite"))]
    assert ("office", "import") in events and ("office", "sign_in") in events
    # the database now holds imported (not demo) data: the admin stays signed in, demo sign-in is no longer offered
    page.goto(f"{url}/audit")
    wait_ready(page)
    assert page.get_by_role("heading", name="审计日志").first.is_visible()
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for(timeout=60000)
    assert page.get_by_role("button", name="演示：审管办管理员").count() == 0


@pytest.mark.parametrize("kind", ["far", "far-quoted", "bomb"])
def test_a_crafted_workbook_is_refused_and_the_server_keeps_answering(demo_server, page, tmp_path, kind):
    """A 4.8 KB sheet reaching XFD1048576, or a zip bomb, under a file name written as a Markdown link."""
    import urllib.request

    from tests.helpers import crafted_xlsx, sha256

    url, db = demo_server
    before = sha256(db)
    name = f"[会话已过期，点此重新登录](http:127.0.0.1:9999)**{kind}**.xlsx"
    path = crafted_xlsx(tmp_path / name, kind)
    _sign_in_office(page, url)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(path))
    errors = page.locator("[data-testid='stAlertContentError']")
    errors.first.wait_for(timeout=120000)  # the mapping step's look at the file, in its own child
    _confirm_leaving_demo(page)
    page.get_by_role("button", name="开始导入").click()  # and the import itself
    page.wait_for_function("() => document.querySelectorAll(\"[data-testid='stAlertContentError']\").length >= 2",
                           timeout=120000)
    for i in range(2):
        text = errors.nth(i).inner_text().replace("\u2060", "")
        assert name in text and ("16,384" in text if kind.startswith("far") else "zip bomb" in text), text
        assert errors.nth(i).locator("a, strong").count() == 0
    shot(page, f"import_{kind}")
    assert urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).read() == b"ok"
    assert sha256(db) == before
    from security import audit

    details = [e[3] for e in audit.entries(path=os.path.join(os.path.dirname(db), "state.sqlite")) if e[2] == "import"]
    assert details[0].startswith(f"failed: {name}: ")


def test_the_admin_rolls_the_import_back(own_server, page):
    """After the import above the data is no longer the demo: the admin (a local account) puts the
    demo version back from the list, and the demo sign-in returns with it."""
    from data import versions
    from security import audit
    from data.ingest import ingest

    url, db = own_server
    if not versions.list_versions(db):  # run on its own: make the import the test above makes
        ingest(os.path.join(EX, "cases.csv"), None, db, os.path.join(os.path.dirname(db), "r.csv"))
    _sign_in_office(page, url)
    assert page.get_by_text("早期版本（撤销导入）").is_visible()
    page.get_by_role("button", name="回退").click()  # not confirmed: nothing happens
    wait_ready(page)
    with duckdb.connect(db, read_only=True) as con:
        assert dict(con.execute("SELECT key, value FROM meta").fetchall())["kind"] == "import"
    page.get_by_text("我确认要用所选版本替换当前数据").click()
    page.get_by_role("button", name="回退").click()
    page.get_by_text("已回退到版本").wait_for(timeout=60000)
    shot(page, "import_rolled_back")
    with duckdb.connect(db, read_only=True) as con:
        assert dict(con.execute("SELECT key, value FROM meta").fetchall())["kind"] == "demo"
    events = [e[2] for e in audit.entries(path=os.path.join(os.path.dirname(db), "state.sqlite"))]
    assert events[0] == "rollback"
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="演示：审管办管理员").wait_for(timeout=60000)  # the demo is back


def test_a_foreign_export_maps_in_and_its_profile_is_saved(demo_server, page, tmp_path):
    """Another system's headers and words: the profile is picked, every rule's verdict shows on the
    first rows, the mapping is saved under a new name, and the file imports through it."""
    from tests.test_profiles import _their_file

    url, db = demo_server
    foreign = _their_file(tmp_path / "他们的导出.csv")
    _sign_in_office(page, url)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(foreign))
    page.get_by_text("列与用语对照（导入配置）").wait_for(timeout=60000)
    wait_ready(page)
    assert page.get_by_text("按当前对照校验前 6 行：0 行通过。").is_visible()  # the standard headers do not fit
    picker = page.get_by_label("导入配置").first
    picker.scroll_into_view_if_needed()  # as a user scrolls to it: a list opened while the page scrolls closes again
    page.wait_for_timeout(300)
    picker.click()
    page.get_by_role("option", name="示例审判系统").click()
    page.get_by_text("按当前对照校验前 6 行：5 行通过。").wait_for(timeout=60000)
    page.get_by_label("保存为导入配置（名称）").fill("某院系统")
    page.get_by_role("button", name="保存配置").click()
    page.get_by_text("已保存导入配置 某院系统").wait_for(timeout=30000)
    assert os.path.exists(os.path.join(os.path.dirname(db), "profiles", "某院系统.toml"))
    shot(page, "import_mapping")
    with duckdb.connect(db, read_only=True) as con:
        before = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    _confirm_leaving_demo(page)
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("导入完成").first.wait_for(timeout=120000)
    wait_ready(page)
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[:3] == ["6", "5", "1"]
    with duckdb.connect(db, read_only=True) as con:
        assert before > 1000 and con.execute("SELECT count(*) FROM cases").fetchone()[0] == 5  # the demo replaced
        assert con.execute("SELECT judge_name FROM cases WHERE case_no = '(2025)示0102民初1号'").fetchone() is not None
        # the file's own name, not the name it was saved under, is the data's source (the header shows it)
        assert dict(con.execute("SELECT key, value FROM meta").fetchall())["source"] == "他们的导出.csv"


def _sign_in_office(page, url: str) -> None:
    """The admin's local account: it stays signed in when an import turns the demo into real data."""
    from tests.browser.conftest import LOCAL_PASSWORD

    page.goto(f"{url}/import")
    wait_ready(page)
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(LOCAL_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=60000)
    wait_ready(page)


def _confirm_leaving_demo(page) -> None:
    """On the demo the first import asks to confirm that it replaces the demo (test_leave_demo.py)."""
    page.get_by_role("button", name="开始导入").wait_for(timeout=120000)  # drawn after the confirmation
    wait_ready(page)
    sure = page.get_by_text("我已了解：导入将以本院数据取代演示数据")
    if sure.count():
        sure.click()
        wait_ready(page)


def test_two_files_import_as_one_change(demo_server, page, tmp_path):
    """One list per basic court, uploaded together with a judges list: one import, rejects naming
    each row's file, the judges list stored with its positions in the format's words."""
    from tests.helpers import case, write_cases

    url, db = demo_server
    a = write_cases(tmp_path / "城关区.csv", [case(serial=901), case(serial=902)])
    b = write_cases(tmp_path / "河口区.csv", [case(serial=903, court="示0103"), case(serial=901, judge_name="重复")])
    roster = tmp_path / "法官名录.csv"
    roster.write_text("法院代码,工号,姓名,职务,部门\n示0102,J0102001,张法官,员额法官,民一庭\n", encoding="utf-8")
    _sign_in_office(page, url)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files([str(a), str(b)])
    page.locator("[data-testid='stFileUploader'] input[type='file']").nth(2).set_input_files(str(roster))
    page.get_by_label("导入配置").first.wait_for(timeout=60000)  # several files: one profile for them all
    page.get_by_text("法官名录.csv").first.wait_for(timeout=60000)  # the judges list is uploaded too
    wait_ready(page)
    _confirm_leaving_demo(page)
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("导入完成").first.wait_for(timeout=120000)
    wait_ready(page)
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[:3] == ["4", "3", "1"]
    with page.expect_download(timeout=30000) as dl:
        page.get_by_role("button", name="下载被拒绝的行").click()
    with open(dl.value.path(), encoding="utf-8-sig") as f:
        rows = f.read().splitlines()
    assert rows[0] == "row,case_no,reason,file" and rows[1].endswith(",河口区.csv") and "城关区.csv" in rows[1]
    with duckdb.connect(db, read_only=True) as con:
        assert dict(con.execute("SELECT key, value FROM meta").fetchall())["source"] == "城关区.csv, 河口区.csv"
        assert con.execute("SELECT * FROM judge_list").fetchall() == [("示0102", "J0102001", "张法官", "法官", "民一庭", None)]
