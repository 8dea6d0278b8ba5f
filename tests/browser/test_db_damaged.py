"""Issue 25, item 11, in a real browser: the case database is cut short while the server runs.
The sign-in page still works and says the data is unavailable; a judge sees only that; the admin
sees which file and the version to go back to, rolls back from 数据导入, and the pages read again."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.conftest import LOCAL_PASSWORD, shot, start_server, stop_server, wait_ready


@pytest.fixture(scope="module")
def damaged_server(demo_db, tmp_path_factory):
    """A server on a copy of the demo with an earlier version kept (a file of its own, as an import
    leaves one), and a users file with a local judge account beside the local admin."""
    from data import versions
    from tests.browser.conftest import _users_file

    folder = tmp_path_factory.mktemp("damaged")
    db = str(folder / "court.duckdb")
    shutil.copy(demo_db, db)
    pending = versions.keep(db)
    shutil.copy(demo_db, db + ".new")
    os.replace(db + ".new", db)
    versions.promote(db, pending)
    users = _users_file(str(folder))
    with open(users, encoding="utf-8") as f:
        office = f.read().split("[users.office]")[1]
    hashed = office.split('password_hash = "')[1].split('"')[0]
    with open(users, "a", encoding="utf-8") as f:
        f.write(f'\n[users.judge1]\nname = "法官甲"\nrole = "judge"\ncourt = "示0101"\ndivision = "民一庭"\n'
                f'judge_id = "J0101006"\npassword_hash = "{hashed}"\n')
    url, proc = start_server(db, "streamlit_damaged.log", users=users)
    yield url, db
    stop_server(proc)


def _sign_in(page, url: str, user: str) -> None:
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(LOCAL_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector("[data-testid='stSidebarNav'], [data-testid='stSidebarUserContent'] button",
                           state="attached", timeout=60000)
    wait_ready(page)


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


def test_a_database_cut_short_while_serving(damaged_server, browser, page):
    from data import versions

    url, db = damaged_server
    page.goto(f"{url}/import")  # the admin signed in before the damage
    wait_ready(page)
    _sign_in(page, url, "office")
    page.get_by_role("heading", name="数据导入").wait_for()

    os.truncate(db, os.path.getsize(db) // 2)
    good = versions.list_versions(db)[0]

    judge = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    judge.errors = []
    judge.on("pageerror", lambda e: judge.errors.append(str(e)))
    judge.goto(url)
    wait_ready(judge)
    judge.get_by_text("数据暂不可用，请联系管理员").first.wait_for()  # the sign-in page works, and says so
    assert judge.get_by_role("button", name="演示：法官于航怡").count() == 0
    shot(judge, "db_damaged_sign_in_zh")
    _sign_in(judge, url, "judge1")
    judge.get_by_text("数据暂不可用，请联系管理员").first.wait_for()
    body = judge.inner_text("body")
    assert db not in body and "rollback" not in body and "截短" not in body
    _no_exception(judge)
    shot(judge, "db_damaged_judge_zh")
    judge.goto(f"{url}/compare?lang=English")
    wait_ready(judge)
    judge.get_by_text("The data is unavailable for now; please contact the administrator.").first.wait_for()
    _no_exception(judge)
    shot(judge, "db_damaged_judge_en")
    judge.context.close()

    page.goto(url)
    wait_ready(page)
    page.get_by_text("案件数据库文件无法读取").first.wait_for()
    body = page.inner_text("body")
    assert db in body and "文件被截短" in body and f"python -m data rollback {good.name} --db {db}" in body
    _no_exception(page)
    shot(page, "db_damaged_admin_zh")
    page.goto(f"{url}/data?lang=English")
    wait_ready(page)
    page.get_by_text("The case database file cannot be read").first.wait_for()
    assert page.get_by_role("heading", name="Data overview").is_visible()
    _no_exception(page)
    shot(page, "db_damaged_admin_en")

    page.goto(f"{url}/import")
    wait_ready(page)
    page.get_by_text("当前数据库无法读取：导入将只用所上传的文件生成新的数据库").wait_for()
    form = page.locator("[data-testid='stForm']").filter(has_text="回退")
    assert form.locator("[data-testid='stSelectbox'] input").input_value() == good.name
    form.get_by_text("我确认要用所选版本替换当前数据").click()
    form.get_by_role("button", name="回退").click()
    page.get_by_text("已回退到版本").wait_for(timeout=60000)
    wait_ready(page)
    assert page.get_by_text("案件数据库文件无法读取").count() == 0
    _no_exception(page)

    page.goto(url)  # the pages read the file put back
    wait_ready(page)
    page.get_by_role("heading", name="态势总览").wait_for()
    page.get_by_text("数据截至").first.wait_for()
    _no_exception(page)
