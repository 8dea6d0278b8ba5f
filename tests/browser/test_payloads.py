"""Names that carry Markdown or spreadsheet formulas (tests/payload.py), through every page in a
real browser and through the exports: shown as text, never acting, and no request leaves for
the trap host."""
from __future__ import annotations

import io

import openpyxl
import pytest

from tests.browser.conftest import open_as, shot, start_server, stop_server, wait_ready
from schema.cells import inert
from tests.payload import MD_IMAGE, MD_STYLE, MD_SURNAME, TRAP, payload_demo
from ui.pages import PAGES

ACTED = """() => [...document.querySelectorAll(
    "[data-testid=stMarkdownContainer] a[href^='http'], [data-testid=stMarkdownContainer] a[href^='mailto'], "
    + "img, strong, .katex, [data-testid=stMarkdownContainer] span[style*='color']:not(.stMarkdownBadge)")]
    .map(e => e.outerHTML.slice(0, 120))"""


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory):
    db = payload_demo(str(tmp_path_factory.mktemp("payload") / "payload.duckdb"))
    url, proc = start_server(db, "streamlit_payload.log")
    yield url
    stop_server(proc)


def _visible(text: str) -> str:
    """Text as read: without the invisible word joiners that keep `://` and `@` from linking."""
    return text.replace("\u2060", "")


def _watch(page) -> list[str]:
    trapped: list[str] = []
    page.on("request", lambda r: trapped.append(r.url) if r.url.startswith(f"http://{TRAP}") else None)
    return trapped


def _no_action(page, where: str) -> None:
    acted = page.evaluate(ACTED)
    assert acted == [], f"{where}: {acted}"
    assert page.locator("[data-testid='stException']").count() == 0, where


def test_every_page_shows_the_names_as_text(payload_server, page):
    trapped = _watch(page)
    open_as(page, f"{payload_server}/briefing?court=%E7%A4%BA01")
    body = _visible(page.inner_text("body"))
    assert MD_IMAGE.replace("区", "") in body and MD_STYLE in body  # the names, character for character
    _no_action(page, "briefing")
    shot(page, "payload_briefing")
    for spec in PAGES:
        if "admin" not in spec.roles or spec.key in ("data_import", "audit_log", "definitions"):
            continue
        page.goto(f"{payload_server}/{spec.url}?court=%E7%A4%BA01")
        wait_ready(page)
        _no_action(page, spec.key)
    assert trapped == []


def test_the_drill_down_heading_shows_the_name(payload_server, page):
    """A click on a judge opens the cases behind the figure under a heading with the judge's name."""
    trapped = _watch(page)
    open_as(page, f"{payload_server}/compare?court=%E7%A4%BA01&district=false&level=judge&division=%E6%B0%91%E4%B8%80%E5%BA%AD&ind=closed&pk=year&period=2025")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.locator("svg").first.wait_for(timeout=30000)
    page.wait_for_timeout(1000)
    marks = chart.locator("g.role-mark path[aria-label*='unit: ']")
    labels = [marks.nth(i).get_attribute("aria-label") for i in range(marks.count())]
    target = next(i for i, a in enumerate(labels) if MD_SURNAME in a)
    name = labels[target].split("unit: ")[1].split(";")[0]
    box = marks.nth(target).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text("只看影响指标的案件").or_(page.locator("[data-testid='stDataFrame']")).first.wait_for(timeout=30000)
    wait_ready(page)
    assert any(name in _visible(h) for h in page.locator("h1, h2, h3").all_inner_texts()), name
    _no_action(page, "compare drill-down")
    assert trapped == []


def test_a_link_parameter_is_shown_as_text(payload_server, page):
    trapped = _watch(page)
    phishing = f"[会话已过期，点此重新登录](http://{TRAP}/login)"
    open_as(page, f"{payload_server}/?court={phishing}")
    toast = page.locator("[data-testid='stToast']").first
    toast.wait_for(timeout=15000)
    assert phishing in _visible(toast.inner_text())
    assert toast.locator("a").count() == 0
    assert trapped == []


def _formula_cells(wb) -> list[str]:
    """Cells a spreadsheet would run: formulas, or text starting as one."""
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or inert(c.value) != c.value:
                    bad.append(f"{ws.title}!{c.coordinate}: {c.value}")
    return bad


def _download(page, button: str):
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name=button).first.click()
    with open(dl.value.path(), "rb") as f:
        return openpyxl.load_workbook(io.BytesIO(f.read()))


@pytest.mark.parametrize("path,button,payload", [
    ("compare?court=%E7%A4%BA02&level=court", "导出 Excel", "'=HYPERLINK"),
    ("compare?court=%E7%A4%BA0101&level=division", "导出 Excel", "'@SUM"),
    ("warnings?court=%E7%A4%BA02", "导出 Excel", "'=HYPERLINK"),
    ("briefing?court=%E7%A4%BA02", "下载 Excel 数据包", "'=HYPERLINK"),
])
def test_exports_hold_the_names_as_inert_text(payload_server, page, path, button, payload):
    open_as(page, f"{payload_server}/{path}")
    wb = _download(page, button)
    assert _formula_cells(wb) == []
    values = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(v.startswith(payload) for v in values), values[:40]


def test_the_case_list_export_holds_the_judges_names_inert(payload_server, page):
    """The cases behind a figure, exported: judge names like =王… and @李… stay text."""
    open_as(page, f"{payload_server}/compare?court=%E7%A4%BA0204&district=false&level=judge"
                  f"&division=%E6%89%A7%E8%A1%8C%E5%B1%80&pk=year&period=2025")
    page.get_by_text("本范围明细案件").click()
    page.get_by_role("button", name="导出 Excel").last.wait_for(timeout=60000)
    wait_ready(page, 60000)
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name="导出 Excel").last.click()
    with open(dl.value.path(), "rb") as f:
        wb = openpyxl.load_workbook(io.BytesIO(f.read()))
    assert _formula_cells(wb) == []
    names = [c.value for row in wb.worksheets[0].iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert any(n.startswith("'=王") for n in names), names[:30]
