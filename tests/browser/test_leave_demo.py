"""A court's first import over the demo, in a real browser, as a new court would do it: the demo
admin is told what will happen and makes the first real admin account, imports the court's own
GB18030 file with it and stays signed in; a demo user working meanwhile is sent to the sign-in
page, which says why; the new data date shows at once; the demo can be put back."""
from __future__ import annotations

import datetime as dt
import os
import shutil

import duckdb
import pytest

from security.users import DEFAULT_USERS as SHIPPED_USERS
from tests.browser.conftest import open_as, shot, start_server, stop_server, wait_ready
from tests.helpers import HEADER, HEADER_ZH, as_rows, case, pending, write_csv

PASSWORD = "鹤鸣-court-2026"


def _court_file(path) -> str:
    """13 rows of 鹤鸣县 (示0203) filed in October–November 2026, two of them broken."""
    rows = []
    for i in range(1, 12):
        filed = dt.date(2026, 10 if i <= 6 else 11, 2 + i)
        make = case if i % 3 else pending
        extra = {} if make is pending else {"closed_date": (filed + dt.timedelta(days=10)).isoformat()}
        rows.append(make("民初", 9000 + i, year=2026, court="示0203", filed_date=filed.isoformat(),
                         judge_id="HM001", judge_name="鹤鸣法官", **extra))
    rows.append(case("民初", 9100, year=2026, court="示0203", filed_date="2026-11-09", closed_date="2026-11-01"))
    rows.append(case("民初", 9101, year=2026, court="示9999", filed_date="2026-11-10", closed_date="2026-11-20"))
    write_csv(path, as_rows(rows, HEADER), HEADER_ZH, encoding="gb18030")
    return str(path)


@pytest.fixture(scope="module")
def leaving(demo_db, tmp_path_factory):
    """A copy of the demo served with the shipped users only (no real admin account yet)."""
    d = tmp_path_factory.mktemp("leave_demo")
    db = str(d / "court.duckdb")
    shutil.copy(demo_db, db)
    users = str(d / "users.toml")
    shutil.copy(SHIPPED_USERS, users)
    url, proc = start_server(db, "streamlit_leave_demo.log", users=users)
    yield url, db, d
    stop_server(proc)


def test_a_court_leaves_the_demo_without_anyone_locked_out(leaving, browser, tmp_path):
    from security import audit

    url, db, folder = leaving
    contexts = [browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN") for _ in range(2)]
    leader, admin = (c.new_page() for c in contexts)
    try:
        open_as(leader, url, "demo_leader")  # someone is using the demo meanwhile
        open_as(admin, f"{url}/import", "demo_admin")
        admin.get_by_text("当前是示范省演示数据（虚构）").wait_for(timeout=60000)
        assert admin.get_by_text("演示账户随即停用").is_visible()
        assert admin.locator("[data-testid='stFileUploader']").count() == 0  # a demo account cannot import
        shot(admin, "leave_demo_1_told")
        # the setup code, which only whoever runs the server can read, is asked first
        code_file = os.path.join(folder, "first-admin.code")
        assert os.stat(code_file).st_mode & 0o077 == 0  # readable by the server's user alone
        admin.get_by_label("设置码").fill("00000000")
        admin.get_by_label("用户名").fill("hm_office")
        admin.get_by_label("姓名").fill("鹤鸣县法院审管办")
        admin.get_by_label("密码", exact=True).fill(PASSWORD)
        admin.get_by_label("再次输入密码").fill("not the same one")
        admin.get_by_role("button", name="创建并用它登录").click()
        admin.get_by_text("密码至少10位，且两次输入一致").wait_for(timeout=30000)
        admin.get_by_label("再次输入密码").fill(PASSWORD)
        admin.get_by_role("button", name="创建并用它登录").click()
        admin.get_by_text("设置码不对").wait_for(timeout=30000)  # a demo visitor cannot make an admin
        assert not os.path.exists(os.path.join(folder, "users.added.toml"))
        with open(code_file) as f:
            admin.get_by_label("设置码").fill(f.read().strip())
        admin.get_by_role("button", name="创建并用它登录").click()
        admin.get_by_text("已创建管理员账户 hm_office 并用它登录").wait_for(timeout=60000)
        assert not os.path.exists(code_file)  # used up
        wait_ready(admin)
        assert admin.locator("[data-testid='stSidebar']").get_by_text("鹤鸣县法院审管办").is_visible()
        shot(admin, "leave_demo_2_account")

        admin.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(
            _court_file(tmp_path / "鹤鸣县法院案件.csv"))
        admin.get_by_role("button", name="开始导入").wait_for(timeout=60000)
        wait_ready(admin)
        admin.get_by_role("button", name="开始导入").click()
        admin.get_by_text("请先勾选上面的确认").wait_for(timeout=30000)
        with duckdb.connect(db, read_only=True) as con:
            assert dict(con.execute("SELECT key, value FROM meta").fetchall())["kind"] == "demo"
        admin.get_by_text("我已了解：导入将以本院数据取代演示数据").click()
        admin.get_by_role("button", name="开始导入").click()
        admin.get_by_text("导入完成").first.wait_for(timeout=120000)
        wait_ready(admin)
        shot(admin, "leave_demo_3_imported")
        metrics = admin.locator("[data-testid='stMetricValue']").all_inner_texts()
        assert metrics[:3] == ["13", "11", "2"]
        # the header says the new data date at once, and it is no longer the demo
        header = admin.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()
        assert "数据截至 2026-11-23" in header and "示范省演示数据" not in header, header
        with duckdb.connect(db, read_only=True) as con:
            assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 11  # no synthetic case carried
            assert dict(con.execute("SELECT key, value FROM meta").fetchall())["kind"] == "import"

        # the demo user, on their next click, is at the sign-in page, told why
        leader.reload()
        wait_ready(leader)
        leader.get_by_text("演示数据已由本院数据取代").wait_for(timeout=60000)
        assert leader.get_by_role("button", name="演示：明湖市中院院领导").count() == 0
        shot(leader, "leave_demo_4_demo_user")
        # the court's admin stays signed in through a reload, and sees its court's own figures
        admin.goto(f"{url}/data")
        wait_ready(admin)
        assert admin.locator("[data-testid='stSidebar']").get_by_text("鹤鸣县法院审管办").is_visible()
        admin.get_by_text("各法院数据完整性").wait_for(timeout=60000)
        shot(admin, "leave_demo_5_completeness")

        events = [(e[1], e[2], e[3]) for e in audit.entries(path=os.path.join(folder, "state.sqlite"))]
        assert ("demo_admin", "add_user", "hm_office: admin") in events
        assert ("demo_admin", "add_user_refused", "wrong setup code") in events
        assert any(u == "hm_office" and ev == "import" for u, ev, _d in events)

        # the way back: the demo version is put back and the demo sign-in returns
        admin.goto(f"{url}/import")
        wait_ready(admin)
        admin.get_by_text("我确认要用所选版本替换当前数据").click()
        admin.get_by_role("button", name="回退").click()
        admin.get_by_text("已回退到版本").wait_for(timeout=60000)
        with duckdb.connect(db, read_only=True) as con:
            assert dict(con.execute("SELECT key, value FROM meta").fetchall())["kind"] == "demo"
        leader.reload()  # the demo user's session holds again over the demo data
        leader.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=60000)
        wait_ready(leader)
        shot(leader, "leave_demo_6_demo_back")
        admin.get_by_role("button", name="退出登录").click()
        admin.get_by_role("button", name="演示：审管办管理员").wait_for(timeout=60000)
    finally:
        for c in contexts:
            c.close()


def test_the_leaving_notice_reads_in_english(leaving, page):
    """The same notice in English, on a server still on the demo (the test above rolled back)."""
    url, db, _folder = leaving
    open_as(page, f"{url}/import?lang=English", "demo_admin")
    page.get_by_text("This is the demo data of a fictional province").wait_for(timeout=60000)
    assert page.get_by_text("sign out of the demo and sign in with it").is_visible()  # hm_office exists now
    assert page.get_by_text("hm_office").count() == 0  # no account name is shown to a demo visitor
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    shot(page, "leave_demo_en")
