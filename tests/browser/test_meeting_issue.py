"""Issuing the briefing for a meeting on the 会商报告 page, as the office (审管办) does: refused
text writes nothing; the meeting is recorded, its briefing kept as issued and downloadable,
its figures beside the current ones, and the next briefing reports it as the last meeting.
A division head may read the page but has no form."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from docx import Document

from tests.browser.conftest import ROOT, open_as, shot, start_server, stop_server, wait_ready

NAME = "2026年前三季度数据会商"
MINUTES = "一、通报前三季度数据。\n二、审限内结案率 <95% & \"超审限\" 案件清理。"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server of its own: the meeting it records is in its own application state."""
    db = str(tmp_path_factory.mktemp("meeting_issue") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "20000", "--quiet"],
                   cwd=ROOT, check=True)
    url, proc = start_server(db, "meeting_issue.log")
    yield url, db
    stop_server(proc)


def _form(page):
    if not page.get_by_label("会商名称").is_visible():  # the box stays open after a try
        page.get_by_text("为会商发布本报告").first.click()
    page.get_by_label("会商名称").wait_for(timeout=30000)


def _issue(page, name: str, minutes: str) -> None:
    page.get_by_label("会商名称").fill(name)
    page.get_by_label("会商纪要").fill(minutes)
    page.get_by_role("button", name="记录会商并发布报告").click()
    wait_ready(page, 120000)


def test_office_issues_the_briefing_for_a_meeting(own_server, page):
    url, db = own_server
    open_as(page, f"{url}/briefing?court=%E7%A4%BA01", user="demo_admin")
    page.get_by_text("一、上次会商确定事项落实情况").first.wait_for(timeout=120000)
    assert page.get_by_text("本范围此前没有会商记录。").count() == 1
    assert page.get_by_text("已发布的会商报告").count() == 0

    # Markdown in the minutes: refused with the reason, nothing recorded
    _form(page)
    _issue(page, NAME, "**重点**")
    assert page.locator("[data-testid='stAlertContentError']").filter(has_text="Markdown").count() == 1
    assert page.get_by_text("已发布的会商报告").count() == 0

    _issue(page, NAME, MINUTES)
    page.get_by_text(f"已记录会商“{NAME}”").first.wait_for(timeout=60000)
    page.get_by_text("已发布的会商报告").first.wait_for(timeout=60000)
    shown = page.locator("[data-testid='stMarkdownContainer']").filter(has_text='二、审限内结案率 <95% & "超审限" 案件清理。')
    assert shown.count() == 1 and shown.inner_text().strip() == '二、审限内结案率 <95% & "超审限" 案件清理。'  # as typed
    shot(page, "meeting_issued")
    table = page.locator("[data-testid='stTable']").filter(has_text="会商时").first
    assert "当前" in table.inner_text() and "审限内结案率" in table.inner_text()

    with page.expect_download(timeout=120000) as dl:
        page.get_by_role("button", name="下载会商时的 Word 报告").click()
    assert dl.value.suggested_filename.endswith(f"_{NAME}.docx")
    with open(dl.value.path(), "rb") as f:
        doc = Document(io.BytesIO(f.read()))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "明湖市中级人民法院辖区2026年前三季度审判质效数据会商报告" and "一、上次会商确定事项落实情况" in text
    assert any("数据截至：2026-09-30" in p for p in text)

    # the same name again: refused, the issued briefing kept
    _form(page)
    _issue(page, NAME, "")
    assert page.locator("[data-testid='stAlertContentError']").filter(has_text="已发布").count() == 1

    # the briefing now reports this meeting as the scope's last one
    page.reload()
    wait_ready(page, 120000)
    page.get_by_text(f"上次会商（{NAME}，").first.wait_for(timeout=120000)
    shot(page, "meeting_issued_reload")
    assert not page.errors


def test_a_division_head_has_no_form(own_server, page):
    url, _ = own_server
    open_as(page, f"{url}/briefing?court=%E7%A4%BA01", user="demo_line")
    page.get_by_text("一、上次会商确定事项落实情况").first.wait_for(timeout=120000)
    assert page.get_by_text("为会商发布本报告").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
