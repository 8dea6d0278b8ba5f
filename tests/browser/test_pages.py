"""Every dashboard page in a real browser: loads with no exception, draws, switches language."""
from __future__ import annotations

import io
import os
import re

import openpyxl
import pytest

from tests.helpers import demo_roles
from present.text import TEXT
from ui.pages import pages_for
from tests.browser.conftest import LOCAL_PASSWORD, open_as, shot, wait_ready

PAGES = [("", "态势总览", 1), ("compare", "对比分析", 2), ("trends", "趋势分析", 1),
         ("definitions", "指标说明", 0), ("data", "数据概况", 2)]


@pytest.mark.parametrize("path,title,charts", PAGES, ids=[p[0] or "overview" for p in PAGES])
def test_page_loads_and_draws(server, page, path, title, charts):
    open_as(page, f"{server}/{path}")
    assert page.get_by_role("heading", name=title).first.is_visible()
    assert page.get_by_text("数据截至").first.is_visible()
    if charts:
        page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                               timeout=30000)
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= charts
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []
    shot(page, f"{path or 'overview'}_zh")


def test_english_switch(server, page):
    open_as(page, f"{server}/?lang=English")
    assert page.get_by_role("heading", name="Overview").first.is_visible()
    assert page.get_by_text("Data as of").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    shot(page, "overview_en")


def test_filter_change_redraws_without_error(server, page):
    open_as(page, f"{server}/")
    page.get_by_text("年初累计").first.click()  # switch to the single quarter
    page.wait_for_url("**cum=false**", timeout=30000)
    wait_ready(page, 60000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("2026年第三季度").first.is_visible()


def test_copied_link_restores_the_view(server, page, browser):
    link = (f"{server}/compare?court=%E7%A4%BA01&level=division&pk=month&period=2026-08&ind=closed"
            "&cat=%E6%89%A7%E8%A1%8C&cum=false")
    open_as(page, link)
    court = page.locator("[data-testid='stSelectbox'] input").first.input_value()
    assert court == "明湖市中级人民法院"  # the court 示01, shown by name
    assert page.get_by_role("heading", name="已结（2026年8月）").first.is_visible()
    for part in ("level=division", "pk=month", "period=2026-08", "ind=closed", "cum=false"):
        assert part in page.url
    # the same link in a fresh browser, in English, shows the same view
    other = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    open_as(other, link + "&lang=English")
    assert other.get_by_role("heading", name="cases closed (Aug 2026)").first.is_visible()
    shot(other, "compare_link_en")
    other.context.close()


def test_tampered_link_falls_back_with_a_notice(server, page):
    open_as(page, f"{server}/compare?court=%27%20OR%201%3D1&level=bogus&period=2099Q9")
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("链接中的参数无效").first.is_visible()
    assert page.get_by_role("heading", name="审限内结案率（2026年前三季度）").first.is_visible()  # the defaults


def _click_first_bar(page) -> None:
    """Click the first unit's mark (a bar, or a dot on a zoomed axis) of the ranking."""
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.locator("svg").first.wait_for(timeout=30000)
    page.wait_for_timeout(1000)
    mark = chart.locator("g.role-mark path[aria-label*='unit: ']").first  # not the band or the line
    box = mark.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_drill_down_clicks_court_division_judge_cases(server, page):
    open_as(page, f"{server}/compare?court=%E7%A4%BA01")  # the courts of 示01's district
    _click_first_bar(page)
    page.wait_for_url("**level=division**", timeout=30000)
    wait_ready(page, 60000)
    assert page.get_by_text("本院各部门").first.is_visible()
    _click_first_bar(page)  # a division: its judges
    page.wait_for_url("**level=judge**", timeout=30000)
    wait_ready(page, 60000)
    assert page.get_by_text("部门内各法官").first.is_visible()
    shot(page, "compare_judges")
    _click_first_bar(page)  # a judge: the cases behind the figure
    page.get_by_role("heading", name=re.compile("：.*明细案件")).first.wait_for(timeout=30000)
    wait_ready(page, 60000)
    assert page.get_by_text("共 ").first.is_visible()  # "共 N 件，第 1/k 页"
    assert page.locator("[data-testid='stException']").count() == 0
    shot(page, "compare_drill")


def _downloaded(page, url: str, button: str = "导出 Excel"):
    """The page's export as the browser saves it: its file name and the workbook read back."""
    open_as(page, url)
    with page.expect_download(timeout=30000) as dl:
        page.get_by_role("button", name=button).first.click()
    with open(dl.value.path(), "rb") as f:
        return dl.value.suggested_filename, openpyxl.load_workbook(io.BytesIO(f.read()))


def test_compare_table_downloads_as_xlsx(server, page):
    name, wb = _downloaded(page, f"{server}/compare?period=2026Q2")
    assert name == "compare_court_2026Q2.xlsx"
    filters = dict(list(wb["筛选条件"].values)[1:])
    assert filters["期间"] == "2026年上半年" and filters["数据截至"] == "2026-09-30"
    sheet = wb[wb.sheetnames[0]]
    assert sheet.max_row > 10  # one row per court and indicator
    header = [c.value for c in sheet[1]]
    assert header == ["法院", "指标", "数值", "上年同期", "同比", "区间下限", "区间上限", "状态", "达标率"]
    rows = [r for r in sheet.iter_rows(min_row=2) if r[1].value == "审限内结案率"]
    assert all(isinstance(r[2].value, int | float) and r[2].number_format == "0.00%" for r in rows)  # 100% reads back as 1
    assert all("个百分点" in r[4].number_format for r in rows)  # points for a rate, in the cell's format
    assert filters["对比层级"] == "辖区内各法院"


def test_business_figures_download_as_xlsx(server, page):
    """The sheet is made when the button is pressed: 涉企 figures beside all cases', in their formats."""
    from metrics.catalogue import View, in_view

    name, wb = _downloaded(page, f"{server}/business?period=2026Q2")
    assert name == "business_2026Q2.xlsx"
    assert dict(list(wb["筛选条件"].values)[1:])["期间"] == "2026年上半年"
    sheet = wb[wb.sheetnames[0]]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["指标", "数值", "全部案件"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(in_view(View.BUSINESS))
    rate = next(r for r in rows if r[0].value == "审限内结案率")
    assert isinstance(rate[1].value, int | float) and rate[1].number_format == rate[2].number_format == "0.00%"


def test_an_english_export_is_written_in_english(server, page):
    """The sheet is made on the click, outside the page's run: still in the language of the page."""
    _, wb = _downloaded(page, f"{server}/compare?period=2026Q2&lang=English", "Export to Excel")
    assert wb.sheetnames[1] == "Filters"
    filters = dict(list(wb["Filters"].values)[1:])
    assert len(filters) > 5 and all(k.isascii() for k in filters), filters  # no Chinese label left
    header = [c.value for c in wb[wb.sheetnames[0]][1]]
    assert header[:2] == ["Court", "Indicator"] and header[-1] == "Share of indicators in range", header


def test_judge_sees_own_cases_and_anonymous_colleagues(server, page):
    open_as(page, f"{server}/", user="demo_judge")
    assert page.get_by_role("heading", name="我的案件").first.is_visible()
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "我的案件" in nav and "态势总览" not in nav and "节点管控" not in nav
    assert page.locator("[data-testid='stException']").count() == 0
    shot(page, "my_cases_judge")
    page.goto(f"{server}/compare?court=%E7%A4%BA02&level=court")  # a tampered link: another court, every court
    wait_ready(page, 60000)  # still signed in (the session cookie), as the same judge
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60000)
    wait_ready(page, 60000)
    assert page.locator("[data-testid='stSelectbox'] input").first.input_value() == "明湖市湖滨区人民法院"
    assert page.get_by_text("部门内各法官").first.is_visible()
    assert page.get_by_text("辖区内各法院").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_wrong_password_then_lock_out(server, page):
    page.goto(server)
    wait_ready(page)
    for attempt in range(6):
        page.get_by_label("用户名").fill("demo_admin_lockout")
        page.get_by_label("密码").fill(f"guess{attempt}")
        page.get_by_role("button", name="登录").click()
        wait_ready(page)
    assert page.get_by_text("失败次数过多").first.is_visible()
    assert page.locator("[data-testid='stSidebarNav']").count() == 0


def test_briefing_page_downloads_the_docx(server, page):
    from docx import Document

    open_as(page, f"{server}/briefing?court=%E7%A4%BA01", user="demo_leader")
    page.get_by_text("二、总体情况").first.wait_for(timeout=120000)
    assert page.locator("[data-testid='stException']").count() == 0
    shot(page, "briefing")
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name="下载 Word 报告").click()
    with open(dl.value.path(), "rb") as f:
        doc = Document(io.BytesIO(f.read()))
    assert doc.paragraphs[0].text == "明湖市中级人民法院辖区2026年前三季度审判质效数据会商报告"


SCREEN_VIEW_JS = """() => { const h = document.querySelector('h1');
    const m = document.body.innerText.match(/(\\d+)\\/(\\d+)\\s/); return h && m ? [h.innerText, m[1], m[2]] : false; }"""


def _screen_view(page, number: int | None = None) -> tuple[str, int, int]:
    """The view on screen now (title, its number, how many) — or wait for view `number`."""
    while True:
        title, shown, total = page.wait_for_function(SCREEN_VIEW_JS, timeout=90000).json_value()
        if number is None or int(shown) == number:
            return title, int(shown), int(total)
        page.wait_for_timeout(300)


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_big_screen_fits_and_rotates(server, browser, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    open_as(page, f"{server}/screen?every=6&scale={width // 1920}", user="demo_admin")
    _, first, total = _screen_view(page)
    assert total > 4  # 26 courts: the heat map and the warnings take more than one view each
    seen = []
    for number in [(first - 1 + k) % total + 1 for k in range(total)]:
        _screen_view(page, number)
        page.wait_for_timeout(1500)
        title = _screen_view(page, number)[0]
        seen.append(title)
        shot(page, f"screen_{width}_{number}")
        # nothing cut off: the page does not scroll, and no sidebar or toolbar shows
        # (sampled a few times: while a view is being replaced, old and new elements briefly coexist)
        samples = []
        for _ in range(6):
            samples.append(page.evaluate("""() => {
                const main = document.querySelector('[data-testid="stMain"]');
                return [document.documentElement.scrollHeight - window.innerHeight,
                        document.documentElement.scrollWidth - window.innerWidth,
                        main ? main.scrollHeight - main.clientHeight : 0];
            }"""))
            if max(samples[-1]) <= 2:
                break
            page.wait_for_timeout(500)
        assert max(samples[-1]) <= 2, (number, samples)
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        if "达标" in title:  # every court and indicator of the part named, nothing dropped
            hidden = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid=stVegaLiteChart] svg text'))
                                          .filter(t => getComputedStyle(t).opacity === '0').length""")
            assert hidden == 0
    text = "".join(seen)
    assert "审判质效" in text and "达标" in text and "走势" in text and "预警" in text
    assert any("（1/" in s for s in seen if "达标" in s) and any("（1/" in s for s in seen if "预警" in s)
    assert page.get_by_text("数据截至 2026-09-30").first.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    ctx.close()


def test_big_screen_pause_holds_the_view_and_leads_back(server, page):
    open_as(page, f"{server}/screen?every=5", user="demo_leader")
    title, number, _ = _screen_view(page)
    page.get_by_text("暂停轮播").click()
    page.wait_for_timeout(8000)  # past the 5-second timer
    assert _screen_view(page)[:2] == (title, number)  # held, not moved on
    page.get_by_text("暂停轮播").click()  # resumed: the same view until its time is up
    assert _screen_view(page)[1] == number
    page.get_by_role("link", name="退出大屏").click()
    page.get_by_role("heading", name="态势总览").first.wait_for(timeout=60000)


# each demo user's navigation, read from the page table
ROLE_NAV = {user: [TEXT[f"page_{p.key}"][0] for p in pages_for(role)] for role, user in demo_roles().items()}


@pytest.mark.parametrize("user", list(ROLE_NAV))
def test_every_page_under_every_role(server, page, user):
    open_as(page, f"{server}/", user=user)
    nav = page.locator("[data-testid='stSidebarNav']")
    assert [t.strip().split("\n")[-1] for t in nav.locator("a").all_inner_texts()] == ROLE_NAV[user]
    for title in ROLE_NAV[user]:
        if title == "大屏":  # hides the sidebar; tested on its own above
            continue
        nav.get_by_role("link", name=title, exact=True).click()
        page.get_by_role("heading", name=title).first.wait_for(timeout=60000)
        wait_ready(page, 60000)
        assert page.locator("[data-testid='stException']").count() == 0, (user, title)
        assert page.errors == [], (user, title)
    shot(page, f"role_{user}")


def test_local_account_wrong_then_right_password(server, page):
    page.goto(f"{server}/warnings")
    wait_ready(page)
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    wait_ready(page)
    assert page.get_by_text("用户名或密码错误").first.is_visible()
    page.get_by_label("密码").fill(LOCAL_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60000)
    wait_ready(page)
    assert page.get_by_role("heading", name="节点管控").first.is_visible()  # the linked page, after sign-in
    assert page.get_by_text("书记员").first.is_visible()


@pytest.mark.parametrize("user", ["demo_admin", "demo_judge"])
def test_every_page_in_english_through_the_sidebar(server, demo_db, page, user):
    """The English interface as a user walks it: no Chinese on any page outside data values."""
    import duckdb

    from security.users import load_users
    from tests.helpers import chinese_left, data_values, user_texts

    with duckdb.connect(demo_db, read_only=True) as con:
        allowed = data_values(con)
    open_as(page, f"{server}/?lang=English", user=user)
    # what users wrote (action items and notes set by other tests of this server) is shown as written
    written = user_texts(os.path.join(os.path.dirname(demo_db), "state.sqlite"))
    allowed = sorted(set(allowed + written + [u.name for u in load_users().users.values()] + ["语言 / Language", "中文"]),
                     key=len, reverse=True)
    nav = page.locator("[data-testid='stSidebarNav']")
    role = {u: r for r, u in demo_roles().items()}[user]
    titles = [TEXT[f"page_{p.key}"][1] for p in pages_for(role)]
    for title in titles:
        if title == "Big screen":  # hides the sidebar; covered by the AppTest walk
            continue
        nav.get_by_role("link", name=title, exact=True).click()
        page.get_by_role("heading", name=title).first.wait_for(timeout=60000)
        wait_ready(page, 60000)
        text = page.locator("body").inner_text()
        assert chinese_left(text, allowed) == [], (title, chinese_left(text, allowed)[:5])
        assert page.locator("[data-testid='stException']").count() == 0, title
    shot(page, f"english_{user}")
