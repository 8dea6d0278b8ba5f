"""Trial teams (审判团队) in a real browser: the team level on 对比分析 and 画像 for the office in
Chinese and English; a division head sees their own division's teams only, whatever the link
says; a judge has no team level."""
from __future__ import annotations

import os
import re
from urllib.parse import quote

from tests.browser.conftest import open_as, shot, wait_ready

SHOTS = os.environ.get("TEAMS_SHOTS")  # a folder to copy the screenshots to, for a look by eye


def _no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


def _shot(page, name: str, top: bool = True) -> None:
    """The page where it is, and from its top (the main area scrolls on its own)."""
    views = [name]
    if top:
        views.append(name + "_top")
    for i, view in enumerate(views):
        if i:
            page.locator("[data-testid='stMain'] h1").first.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(800)
        path = shot(page, view)
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            page.screenshot(path=os.path.join(SHOTS, f"{view}.png"), full_page=True)
        assert os.path.exists(path)


def _levels(page, first: str) -> list[str]:
    choice = page.locator("[data-testid='stButtonGroup']").filter(has_text=first).first
    choice.wait_for(timeout=60000)
    return [b.strip() for b in choice.locator("button").all_inner_texts()]


def _units_in_table(page) -> list[str]:
    """The units of the 达标率 table (its first column), read from the grid's cells."""
    page.get_by_text("点选表中一行").first.wait_for(timeout=60000)
    grid = page.locator("[data-testid='stDataFrame']").last
    grid.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    cells = grid.locator("[role='gridcell']").all_inner_texts()
    return [c.strip() for c in cells[::3] if c.strip()]


def test_the_office_compares_teams_in_chinese(server, page):
    open_as(page, f"{server}/compare?level=team&court={quote('示01')}")
    assert _levels(page, "辖区内各法院") == ["辖区内各法院", "本院各部门", "各审判团队", "部门内各法官"]
    page.get_by_text("未编入审判团队的法官所办案件不属于任何团队").first.wait_for(timeout=60000)
    units = _units_in_table(page)
    assert units and all("团队" in u for u in units)
    # one team name at two courts: each named with its court
    assert any("（" in u and "法院" in u for u in units)
    _no_error(page)
    _shot(page, "teams_compare_admin_zh")


def test_the_office_compares_teams_in_english(server, page):
    open_as(page, f"{server}/compare?level=team&lang=English")
    assert "Trial teams" in _levels(page, "Trial teams")
    page.get_by_text("Cases of judges in no trial team belong to no team").first.wait_for(timeout=60000)
    _no_error(page)
    _shot(page, "teams_compare_admin_en")


def test_a_teams_bar_opens_its_cases(server, page):
    open_as(page, f"{server}/compare?level=team&court={quote('示0101')}&district=false")
    page.get_by_text("未编入审判团队").first.wait_for(timeout=60000)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.locator("svg").first.wait_for(timeout=30000)
    chart.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(1500)
    mark = chart.locator("g.role-mark path[aria-label*='unit: ']").first  # a team's bar, not the band or the line
    box = mark.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    cases = page.get_by_role("heading", name=re.compile("：.*明细案件")).first
    cases.wait_for(timeout=60000)
    assert "团队" in cases.inner_text()
    judges = page.get_by_role("heading", name=re.compile("团队的法官：")).first  # the team's judges first
    assert judges.is_visible()
    page.get_by_text("共 ").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    _no_error(page)
    judges.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    _shot(page, "teams_compare_cases", top=False)


def test_a_teams_profile_in_chinese_and_english(server, page):
    open_as(page, f"{server}/profile?plevel=team&court={quote('示0101')}&division={quote('民一庭')}")
    assert _levels(page, "法院") == ["法院", "部门", "审判团队", "法官"]
    heading = page.locator("h2").filter(has_text="画像").first
    heading.wait_for(timeout=60000)
    assert "民一庭第" in heading.inner_text() and "团队" in heading.inner_text()
    page.get_by_text("同级：").first.wait_for(timeout=60000)
    assert page.get_by_text("的审判团队").count() >= 1  # peers: the teams of 民一庭 at courts of its level
    _no_error(page)
    _shot(page, "teams_profile_admin_zh")
    page.goto(f"{server}/profile?plevel=team&court={quote('示0101')}&division={quote('民一庭')}&lang=English")
    wait_ready(page, 60000)
    page.locator("h2").filter(has_text="Profile").first.wait_for(timeout=60000)
    page.get_by_text("trial teams of 民一庭").first.wait_for(timeout=60000)
    _no_error(page)
    _shot(page, "teams_profile_admin_en")


def test_a_head_sees_only_their_divisions_teams(server, page):
    # a link naming another division: the head's own division holds
    open_as(page, f"{server}/compare?level=team&division={quote('执行局')}", user="demo_head")
    assert _levels(page, "各审判团队") == ["部门内各法官", "各审判团队"]
    units = _units_in_table(page)
    assert units and all(u.startswith("民一庭") for u in units), units
    _no_error(page)
    _shot(page, "teams_compare_head")
    # 画像 of another division's team by link: not an option, the head's own team is shown
    page.goto(f"{server}/profile?plevel=team&division={quote('执行局')}&team={quote('执行局第一团队')}")
    wait_ready(page, 60000)
    heading = page.locator("h2").filter(has_text="画像").first
    heading.wait_for(timeout=60000)
    assert "执行局" not in heading.inner_text() and "民一庭第" in heading.inner_text()
    assert page.get_by_text("链接中的参数无效").count() >= 1  # the link's team is said to be refused
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="审判团队").last
    box.click()
    options = page.get_by_role("option").all_inner_texts()
    assert options and all(o.startswith("民一庭") for o in options), options
    page.keyboard.press("Escape")
    _no_error(page)
    _shot(page, "teams_profile_head")


def test_a_judge_has_no_team_level(server, page):
    open_as(page, f"{server}/compare?level=team", user="demo_judge")
    page.get_by_text("部门内各法官").first.wait_for(timeout=60000)
    assert page.get_by_text("各审判团队").count() == 0
    page.goto(f"{server}/profile?plevel=team&team={quote('民一庭第一团队')}")
    wait_ready(page, 60000)
    page.locator("h2").filter(has_text="画像").first.wait_for(timeout=60000)
    assert page.get_by_text("审判团队").count() == 0
    _no_error(page)
    _shot(page, "teams_judge")


def test_teams_on_the_assessment_the_trends_and_the_warnings(server, page):
    open_as(page, f"{server}/assessment?level=team&court={quote('示0101')}&district=false")
    page.get_by_text("平均综合得分").first.wait_for(timeout=60000)
    page.get_by_text("未编入审判团队").first.wait_for(timeout=60000)
    _no_error(page)
    _shot(page, "teams_assessment_admin")
    page.goto(f"{server}/trends?tlevel=team&court={quote('示0101')}&district=false")
    wait_ready(page, 60000)
    page.get_by_text("未编入审判团队").first.wait_for(timeout=60000)
    assert page.locator("[data-testid='stMultiSelect']").filter(has_text="团队").count() == 1
    _no_error(page)
    page.locator("[data-testid='stMultiSelect']").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    _shot(page, "teams_trends_admin", top=False)
    page.goto(f"{server}/warnings?wby=team&court={quote('示0101')}&district=false")
    wait_ready(page, 60000)
    page.get_by_text("按审判团队").first.wait_for(timeout=60000)
    _no_error(page)
    _shot(page, "teams_warnings_admin", top=False)


def test_a_heads_assessment_of_teams_holds_their_division(server, page):
    open_as(page, f"{server}/assessment?level=team&division={quote('执行局')}", user="demo_head")
    page.get_by_text("平均综合得分").first.wait_for(timeout=60000)
    grid = page.locator("[data-testid='stDataFrame']").last
    grid.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    names = [c.strip() for c in grid.locator("[role='gridcell']").all_inner_texts() if "团队" in c]
    assert names and all(n.startswith("民一庭") for n in names), names
    _no_error(page)


def test_the_briefing_lists_a_courts_teams(server, page):
    open_as(page, f"{server}/briefing?court={quote('示0101')}&district=false")
    note = page.get_by_text("未编入审判团队的法官所办案件不属于任何团队").first
    note.wait_for(timeout=120000)
    assert page.get_by_text("各审判团队").count() >= 1
    _no_error(page)
    note.evaluate("e => e.scrollIntoView({block: 'end'})")
    page.wait_for_timeout(800)
    _shot(page, "teams_briefing_admin", top=False)
