"""The meeting workflow across pages, in a real browser: the scope chosen once holds everywhere."""
from __future__ import annotations

import os
import re
import urllib.parse

import pytest

from present.text import TEXT
from tests.browser.conftest import ROOT, open_as, shot, wait_ready
from tests.helpers import demo_roles
from ui.pages import pages_for

FILTER_PAGES = {"overview", "my_cases", "compare", "assessment", "trends", "warnings", "management", "enforcement", "source",
                "briefing"}


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label`, as a user does."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_ready(page, 60000)


def switch(page, label: str) -> None:
    page.locator("[data-testid='stCheckbox']").filter(has_text=label).first.locator("label").click()
    wait_ready(page, 60000)


def filter_state(page) -> dict:
    """What the filter bar shows: select boxes by label, toggles by label, the period kind."""
    state = {}
    for box in page.locator("[data-testid='stSelectbox']").all():
        label = box.locator("[data-testid='stWidgetLabel']").inner_text().strip()
        state[label] = box.locator("input").input_value()
    for toggle in page.locator("[data-testid='stCheckbox']").all():
        state[toggle.inner_text().strip()] = toggle.locator("input").is_checked()
    kind = page.locator("[role='radiogroup'][aria-label='期间类型'] [aria-checked='true']")
    state["期间类型"] = kind.inner_text().strip() if kind.count() else None
    return state


def url_params(page) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(page.url).query))


WANTED = {"法院": "明湖市中级人民法院", "含辖区": False, "期间类型": "月", "期间": "2026-05", "年初累计": False,
          "类别": "民事"}
PERIOD_WIDGETS, PERIOD_PARAMS = {"期间类型", "期间", "年初累计"}, {"pk", "period", "cum"}
WANTED_URL = {"court": "示01", "district": "false", "pk": "month", "period": "2026-05", "cum": "false", "cat": "民事"}


@pytest.mark.parametrize("user", ["demo_admin", "demo_leader"])
def test_filters_hold_on_every_page_through_the_sidebar(server, page, user):
    open_as(page, f"{server}/", user=user)
    if user == "demo_admin":
        choose(page, "法院", "明湖市中级人民法院")
    switch(page, "含辖区")
    page.locator("[role='radiogroup'][aria-label='期间类型']").get_by_text("月", exact=True).click()
    wait_ready(page, 60000)
    choose(page, "期间", "2026-05")
    switch(page, "年初累计")
    choose(page, "类别", "民事")
    assert {k: filter_state(page).get(k) for k in WANTED} == WANTED
    assert url_params(page) == WANTED_URL

    role = {u: r for r, u in demo_roles().items()}[user]
    nav = page.locator("[data-testid='stSidebarNav']")
    for spec in pages_for(role) * 2:  # twice round: a switch that flips at each visit shows on the second
        if spec.key == "screen":
            continue  # hides the sidebar; below
        title = TEXT[f"page_{spec.key}"][0]
        nav.get_by_role("link", name=title, exact=True).click()
        page.get_by_role("heading", name=title).first.wait_for(timeout=60000)
        wait_ready(page, 60000)
        assert page.locator("[data-testid='stException']").count() == 0, title
        if spec.key in FILTER_PAGES:
            wanted = {k: v for k, v in WANTED.items() if spec.key != "warnings" or k not in PERIOD_WIDGETS}
            wanted_url = {k: v for k, v in WANTED_URL.items() if spec.key != "warnings" or k not in PERIOD_PARAMS}
            assert {k: filter_state(page).get(k) for k in wanted} == wanted, title
            assert {k: url_params(page).get(k) for k in wanted_url} == wanted_url, title
        if spec.key == "warnings":  # taken on the data date: no period controls that would do nothing
            assert not any(k in filter_state(page) for k in ("期间", "年初累计")), title
    shot(page, f"filters_held_{user}")

    nav.get_by_role("link", name="大屏", exact=True).click()
    page.get_by_role("heading", name="明湖市中级人民法院 · 民事").first.wait_for(timeout=60000)


def _workbook(download):
    import io

    import openpyxl

    with open(download.value.path(), "rb") as f:
        return openpyxl.load_workbook(io.BytesIO(f.read()))


def test_case_list_shows_the_deciding_cases_and_exports_the_whole_list(server, page):
    from present.text import TEXT

    open_as(page, f"{server}/compare?court=%E7%A4%BA0101&level=judge&division=%E6%B0%91%E4%B8%80%E5%BA%AD")
    page.get_by_text("本范围明细案件").click()
    caption = page.get_by_text(re.compile(r"共 [\d,]+ 件，其中影响指标 [\d,]+ 件")).first
    caption.wait_for(timeout=60000)
    wait_ready(page, 60000)
    total, deciding = (int(n.replace(",", "")) for n in re.findall(r"[\d,]+", caption.inner_text())[:2])
    assert total > 50 > deciding > 0  # more than one page on screen
    shot(page, "drill_deciding")
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name="导出 Excel").last.click()
    wb = _workbook(dl)
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    labels = {zh for key, (zh, _) in TEXT.items() if key.startswith("col_")}
    assert set(header) <= labels, set(header) - labels  # the interface's headers, no field names
    assert sheet.max_row - 1 == total  # the whole list, not the page on screen
    assert [r[0] for r in sheet.iter_rows(min_row=2, max_row=deciding + 2, values_only=True)] == ["是"] * deciding + ["否"]
    late = header.index("超审限天数")
    assert all(isinstance(r[late], int) and r[late] > 0
               for r in sheet.iter_rows(min_row=2, max_row=deciding + 1, values_only=True))  # numbers, not text
    filters = dict(list(wb["筛选条件"].values)[1:])
    assert filters["部门"] == "民一庭" and filters["指标"] == "审限内结案率"
    assert filters["法院"] == "明湖市湖滨区人民法院（示0101）" and filters["期间"] == "2026年前三季度"

    # paging: the list's own section reruns (a fragment), the next page and back
    listed = page.locator("[data-testid='stExpander'] [data-testid='stDataFrame']").last
    first_cases = listed.locator("[role='gridcell']").all_inner_texts()
    page.get_by_role("button", name="下一页").last.click()
    page.get_by_text(re.compile(r"第 2/\d+ 页")).first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    listed = page.locator("[data-testid='stExpander'] [data-testid='stDataFrame']").last
    assert first_cases and listed.locator("[role='gridcell']").all_inner_texts() != first_cases
    page.get_by_role("button", name="上一页").last.click()
    page.get_by_text(re.compile(r"第 1/\d+ 页")).first.wait_for(timeout=60000)

    # signed out in another tab: the list's next click (its section's own run) finds the session ended
    tab = page.context.new_page()
    tab.goto(f"{server}/trends")
    wait_ready(tab, 60000)
    tab.get_by_role("button", name="退出登录").click()
    wait_ready(tab, 60000)
    tab.close()
    page.get_by_role("button", name="下一页").last.click()
    page.get_by_role("button", name="登录", exact=True).wait_for(timeout=60000)
    assert page.get_by_text(re.compile(r"第 2/\d+ 页")).count() == 0
    open_as(page, f"{server}/compare?court=%E7%A4%BA0101&level=judge&division=%E6%B0%91%E4%B8%80%E5%BA%AD")
    page.get_by_text("本范围明细案件").click()
    page.get_by_text(re.compile(r"第 1/\d+ 页")).first.wait_for(timeout=60000)

    # filtered to the deciding cases: the list and its export hold only them
    switch(page, "只看影响指标的案件")
    page.get_by_text(re.compile(r"第 1/1 页")).first.wait_for(timeout=60000)
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name="导出 Excel").last.click()
    only = _workbook(dl).worksheets[0]
    assert only.max_row - 1 == deciding
    assert dict(list(_workbook(dl)["筛选条件"].values)[1:])["只看影响指标的案件"] == "是"


LABELS_JS = """([i, hidden]) => { const el = document.querySelectorAll('[data-testid=stVegaLiteChart]')[i];
  return Array.from(el.querySelectorAll('svg text'))
              .filter(t => (getComputedStyle(t).opacity === '0') === hidden).map(t => t.textContent); }"""


def chart_labels(page, index: int, hidden: bool = False) -> list[str]:
    """The texts a chart shows (or hides: Vega hides overlapping labels with opacity 0)."""
    return page.evaluate(LABELS_JS, [index, hidden])


@pytest.mark.parametrize("link,rows", [("", 26), ("?court=%E7%A4%BA0101&level=division", None)])
def test_heat_map_and_ranking_label_every_row(server, page, demo_db, link, rows):
    from metrics.catalogue import BY_ID

    open_as(page, f"{server}/compare{link}")
    page.locator("[data-testid='stVegaLiteChart'] svg").nth(1).wait_for(timeout=60000)
    ranked, heat = chart_labels(page, 0), chart_labels(page, 1)
    for chart in (0, 1):  # no name hidden (a value axis may thin its ticks)
        assert [n for n in chart_labels(page, chart, hidden=True) if not re.fullmatch(r"[\d.]+", n)] == []
    names = [BY_ID[i].name() for i in BY_ID]
    columns = [n for n in heat if any(name.startswith(n.rstrip("…")) for name in names)]
    units = [n for n in heat if n not in columns]
    from metrics.evaluation import load_config

    import duckdb

    from metrics import Period
    from metrics.engine import compute

    # every indicator with a range that has a value for a court this year (the demo holds a visits
    # list: the visit indicators with a range among them)
    with duckdb.connect(demo_db, read_only=True) as con:
        year = con.execute("SELECT value FROM meta WHERE key = 'data_date'").fetchone()[0][:4]
        by_court = compute(con, Period.parse(year), by="court")
    valued = set(by_court[by_court["value"].notna()]["indicator"])
    ranged = set(load_config(os.path.join(ROOT, "config", "evaluation.toml")).ranges) & valued
    assert {"within_limit_rate", "auto_performance_rate", "visits_per_10k_closed"} <= ranged
    assert rows is None or (len(units), len(columns)) == (rows, len(ranged))  # every court, every ranged indicator
    assert len(units) >= 2 and set(units) <= set(ranked)  # each unit named in the ranking too
    shot(page, f"heat_map{'_division' if link else ''}")
    # the ranking's values sit on an axis zoomed to them: no tick at 0, none past 100%
    ticks = [float(t) for t in ranked if re.fullmatch(r"[\d.]+", t)]
    assert ticks and 0 not in ticks and max(ticks) <= 100, ticks


def test_a_reload_keeps_the_session_until_sign_out(server, page):
    open_as(page, f"{server}/compare?court=%E7%A4%BA01")
    cookie = [c for c in page.context.cookies() if c["name"] == "spzx_session"]
    assert cookie and cookie[0]["httpOnly"] and cookie[0]["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("spzx_session") == -1  # the page's script cannot read it
    page.reload()
    wait_ready(page, 60000)
    page.get_by_role("heading", name="对比分析").first.wait_for(timeout=60000)  # still signed in, same view
    assert page.locator("[data-testid='stSelectbox'] input").first.input_value() == "明湖市中级人民法院"
    # a forged cookie signs nobody in
    value = cookie[0]["value"]
    forged = value.replace(value.split(".")[1], "demo_admin".encode().hex().replace("61", "62"))
    other = page.context.browser.new_context()
    other.add_cookies([{**cookie[0], "value": forged}])
    intruder = other.new_page()
    intruder.goto(f"{server}/compare")
    wait_ready(intruder, 60000)
    assert intruder.locator("[data-testid='stSidebarNav']").count() == 0
    other.close()
    # a second tab shares the session
    tab = page.context.new_page()
    tab.goto(f"{server}/trends")
    wait_ready(tab, 60000)
    tab.get_by_role("heading", name="趋势分析").first.wait_for(timeout=60000)
    # signing out ends it, in the other tab too, and even for a browser that kept the cookie
    page.get_by_role("button", name="退出登录").click()
    wait_ready(page, 60000)
    tab.get_by_text("年初累计").first.click()  # the tab's next action finds the session ended
    tab.get_by_role("button", name="登录", exact=True).wait_for(timeout=60000)
    wait_ready(tab, 60000)
    assert tab.get_by_role("heading", name="趋势分析").count() == 0
    kept = page.context.browser.new_context()
    kept.add_cookies(cookie)
    again = kept.new_page()
    again.goto(f"{server}/compare")
    wait_ready(again, 60000)
    assert again.get_by_role("button", name="登录", exact=True).count() == 1
    assert again.locator("[data-testid='stSidebarNav']").count() == 0
    kept.close()
    page.reload()
    wait_ready(page, 60000)
    assert page.locator("[data-testid='stSidebarNav']").count() == 0


def test_a_leader_reads_the_overview_on_a_phone(server, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    page = ctx.new_page()
    open_as(page, f"{server}/", user="demo_leader")
    page.locator(".st-key-card_grid .spzx-card").first.wait_for(timeout=60000)
    bar = page.locator(".st-key-filter_bar").bounding_box()
    assert bar["height"] < 844 / 2  # the filters wrapped onto a few lines (tests/browser/test_screen_sizes.py), not a screenful
    cards = [page.locator(".st-key-card_grid .spzx-card").nth(i).bounding_box() for i in range(3)]
    assert cards[0]["y"] == cards[1]["y"] and cards[1]["x"] > cards[0]["x"]  # two cards to a row
    assert cards[2]["y"] > cards[0]["y"] and cards[1]["x"] + cards[1]["width"] <= 390
    first = page.locator(".st-key-card_grid .spzx-label").first.inner_text()
    assert first.strip() != "新收"  # out-of-range indicators come first (the demo has some)
    shot(page, "phone_overview")
    page.locator("[data-testid='stExpandSidebarButton'], [data-testid='stSidebarCollapsedControl'] button").first.click()
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="对比分析").click()
    page.get_by_role("heading", name="对比分析").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    collapsed = "() => document.querySelector('[data-testid=stSidebar]').getAttribute('data-collapsed')"
    assert page.evaluate(collapsed) in ("true", "false")  # the attribute read below exists
    page.wait_for_function(f"{collapsed} === 'true'", timeout=10000)  # the sidebar gets out of the way
    shot(page, "phone_compare")
    ctx.close()


RANKED_JS = """() => { const el = document.querySelector('[data-testid=stVegaLiteChart]');
  return Array.from(el.querySelectorAll('g.mark-text text[aria-label*="unit: "]')).map(t => {
    const y = parseFloat((t.getAttribute('transform') || '').split(',')[1]);
    return [y, t.textContent]; }); }"""


def test_ranking_follows_the_values_after_a_period_change(server, page):
    open_as(page, f"{server}/compare")
    for period in ("2026Q2", "2026Q1"):
        choose(page, "期间", period)
        page.get_by_role("heading", name=re.compile("审限内结案率（2026年")).first.wait_for(timeout=60000)
        page.wait_for_timeout(1000)
        shown = [float(v.rstrip("%")) for _, v in sorted(page.evaluate(RANKED_JS))]
        assert len(shown) == 26 and shown == sorted(shown, reverse=True), (period, shown)


def _metrics(page) -> dict[str, str]:
    """Card label → value, as shown."""
    out = {}
    for m in page.locator("[data-testid='stMetric']").all():
        out[m.locator("[data-testid='stMetricLabel']").inner_text().strip()] = \
            m.locator("[data-testid='stMetricValue']").inner_text().strip()
    for m in page.locator(".spzx-card").all():
        out[m.locator(".spzx-label").inner_text().strip()] = m.locator(".spzx-value").inner_text().strip()
    return out


def test_topic_pages_say_what_they_count(server, page):
    # 我的案件: due counts are cumulative and labelled by their window, counted from today (the demo
    # ends on 2026-09-30: past that day some of its pending cases are past their limit, more every day)
    open_as(page, f"{server}/", user="demo_judge")
    page.locator(".spzx-card").first.wait_for(timeout=60000)
    cards = _metrics(page)
    due = [int(cards[f"{n}天内到期"].replace(",", "")) for n in (7, 15, 30)]
    assert due == sorted(due) and int(cards["本周到期"]) <= due[0], cards  # this week ends within 7 days
    assert int(cards["已超审限"]) > 0 and int(cards["未结"]) >= int(cards["已超审限"]) + due[-1], cards
    # 执行: the cards carry their 达标 badge; the judges table spans the district with a court column
    page.get_by_role("button", name="退出登录").click()  # a judge has no 执行 page: the 审管办 next
    page.get_by_role("button", name="演示：审管办管理员").wait_for(timeout=60000)  # signed out
    open_as(page, f"{server}/enforcement?court=%E7%A4%BA01", user="demo_admin")
    page.locator(".st-key-card_grid .spzx-card").first.wait_for(timeout=60000)
    badges = page.locator(".st-key-card_grid").get_by_text(re.compile("^(达标|未达标.*)$"))
    assert badges.count() >= 3
    grid = page.get_by_role("heading", name="执行局法官对比").locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    headers = grid.locator("[role='columnheader']").all_inner_texts()
    assert "法院" in [h.strip() for h in headers], headers
    # 诉源治理: no card value is cut off
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="诉源治理").click()
    page.get_by_role("heading", name="诉源治理").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    cut = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid=stMetricValue] div, [data-testid=stMetricValue], .spzx-value'))
                             .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
    assert cut == []
    shot(page, "source_cards")
