"""画像 in a real browser: each role sees the units it may (a judge only themselves), a row in the
comparison and the assessment opens a unit's profile, and the one-page export comes out as a PNG
and a PDF with the Chinese text rendered."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image

from tests.browser.conftest import open_as, shot, wait_ready


def _no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


def _unit_heading(page) -> str:
    heading = page.locator("h2").filter(has_text="画像").first
    heading.wait_for(timeout=60000)
    return heading.inner_text()


@pytest.mark.parametrize("user,levels", [("demo_admin", ["法院", "部门", "审判团队", "法官"]),
                                         ("demo_leader", ["法院", "部门", "审判团队", "法官"]),
                                         ("demo_line", ["法院", "部门", "审判团队", "法官"]),
                                         ("demo_head", ["部门", "审判团队", "法官"]),
                                         ("demo_judge", ["法官"])])
def test_profile_under_each_role(server, page, user, levels):
    open_as(page, f"{server}/profile", user=user)
    assert page.get_by_role("heading", name="画像").first.is_visible()
    _unit_heading(page)
    choice = page.locator("[data-testid='stButtonGroup']").filter(has_text=levels[0]).first
    assert [b.strip() for b in choice.locator("button").all_inner_texts()] == levels
    for title in ("在同级单位中的位置", "近三年关键指标（同期）", "收案结构（案件类型）", "未结案件账龄", "预警"):
        assert page.get_by_role("heading", name=title).count() == 1, title
    assert page.get_by_text("综合得分").first.is_visible() and page.get_by_text("达标率").first.is_visible()
    _no_error(page)
    shot(page, f"profile_{user}")


def test_a_judge_sees_only_their_own_profile(server, page):
    """Another judge's id in the link is not an option: the page falls back to the judge's own."""
    open_as(page, f"{server}/profile?plevel=judge&judge=J0101002", user="demo_judge")
    heading = _unit_heading(page)
    own = page.locator("[data-testid='stSidebar']").inner_text()
    name = re.search(r"演示：法官(\S+?)\s*·", own).group(1)
    assert name in heading
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="法官").last
    box.click()
    assert page.get_by_role("option").count() == 1
    page.keyboard.press("Escape")
    _no_error(page)


def _click_first_row(page, grid) -> None:
    grid.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(600)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's selection box
    page.wait_for_function("() => location.pathname.endsWith('/profile')", timeout=60000)
    wait_ready(page, 60000)


@pytest.mark.parametrize("path,level", [("/compare", "court"), ("/compare?level=division", "division"),
                                        ("/assessment?level=judge", "judge")])
def test_one_click_from_a_comparison_opens_the_profile(server, page, path, level):
    open_as(page, f"{server}{path}", user="demo_leader")
    page.get_by_text("点选表中一行").first.wait_for()
    wait_ready(page, 60000)  # the caption is drawn before the table below it: wait for the run to end
    grid = page.locator("[data-testid='stDataFrame']").last
    grid.locator("[role='gridcell']").first.wait_for(state="attached", timeout=60000)
    first_unit = grid.locator("[role='gridcell']").nth(0).inner_text().strip()
    _click_first_row(page, grid)
    assert f"plevel={level}" in page.url
    heading = _unit_heading(page)
    assert first_unit.split(" ")[-1] in heading
    _no_error(page)


def test_profile_export_as_png_and_pdf(server, page, tmp_path):
    open_as(page, f"{server}/profile?court=示0102&plevel=division&division=民一庭", user="demo_admin")
    heading = _unit_heading(page)
    assert "明湖市城关区人民法院 民一庭" in heading
    with page.expect_download(timeout=90000) as dl:
        page.get_by_role("button", name="导出画像（PNG）").click()
    png = open(dl.value.path(), "rb").read()
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    assert width > 1200 and 1.2 < height / width < 1.6  # one portrait page
    dark = sum(image.histogram()[:128])
    assert dark > width * height * 0.01  # text and bars drawn, not a blank page
    (tmp_path / "profile.png").write_bytes(png)
    shutil.copy(tmp_path / "profile.png", "tests/artifacts/profile_export.png")
    with page.expect_download(timeout=90000) as dl:
        page.get_by_role("button", name="导出画像（PDF）").click()
    pdf = open(dl.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF") and b"NotoSansCJK" in pdf  # the CJK font embedded
    (tmp_path / "profile.pdf").write_bytes(pdf)
    if shutil.which("pdftotext"):  # the Chinese text is there as text, not boxes
        text = subprocess.run(["pdftotext", str(tmp_path / "profile.pdf"), "-"], capture_output=True, text=True).stdout
        for words in ("明湖市城关区人民法院", "民一庭", "在同级单位中的位置", "未结案件账龄"):
            assert words in text, words
    _no_error(page)


def test_profile_in_english(server, page):
    open_as(page, f"{server}/profile?lang=English", user="demo_admin")
    page.locator("h2").filter(has_text="Profile").first.wait_for(timeout=60000)
    for title in ("Standing among peers", "Key indicators, same period of three years", "Age of pending cases"):
        assert page.get_by_role("heading", name=title).count() == 1, title
    _no_error(page)
    shot(page, "profile_english")


def test_a_judge_opens_their_own_profile_from_the_comparison_and_no_one_elses(server, page):
    open_as(page, f"{server}/compare", user="demo_judge")
    page.get_by_text("点选表中一行").first.wait_for()
    wait_ready(page, 60000)  # the caption is drawn before the table below it: wait for the run to end
    grid = page.locator("[data-testid='stDataFrame']").last
    grid.locator("[role='gridcell']").first.wait_for(state="attached", timeout=60000)
    names = [c.strip() for c in grid.locator("[role='gridcell']").all_inner_texts()][::3]  # the unit column
    own = next(i for i, n in enumerate(names) if not n.startswith("法官"))  # others appear as 法官A, 法官B …
    other = next(i for i, n in enumerate(names) if n.startswith("法官"))
    grid.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(600)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 * (other + 1) + 17)
    page.get_by_text("只能查看本人的画像").first.wait_for(timeout=30000)
    assert "/compare" in page.url
    grid.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(600)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 * (own + 1) + 17)
    page.wait_for_function("() => location.pathname.endsWith('/profile')", timeout=60000)
    assert names[own] in _unit_heading(page)
    _no_error(page)
