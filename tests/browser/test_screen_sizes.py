"""The pages at the sizes they are read on: a phone (390×844), a laptop (1366×768) and a 4K
screen at 100% zoom (3840×2160) — measured as a reader sees them: what is inside the screen,
whether labels overlap, how large text is, how long a line runs, how many ticks an axis has."""
from __future__ import annotations

import math
import re

import pytest

from tests.browser.conftest import open_as, shot, wait_ready

PHONE = {"width": 390, "height": 844}
FILTERS = ["法院", "含辖区", "期间类型", "期间", "年初累计", "类别", "涉企"]

# x-axis labels of a chart: [x, y, rotation in degrees, font px, text]
X_LABELS_JS = """(chart) => {
  const axis = Array.from(chart.querySelectorAll('.role-axis'))
    .find(a => (a.getAttribute('aria-label') || '').startsWith('X-axis'));
  return Array.from(axis.querySelectorAll('.role-axis-label text')).map(t => {
    const tr = t.getAttribute('transform') || '';
    const at = (tr.match(/translate\\(([-\\d.e]+),([-\\d.e]+)\\)/) || [0, 0, 0]).slice(1).map(Number);
    const turn = Number((tr.match(/rotate\\(([-\\d.e]+)\\)/) || [0, 0])[1]);
    return [at[0], at[1], turn, parseFloat(t.getAttribute('font-size')), t.getBBox().width, t.textContent];
  });
}"""


def _phone(browser):
    return browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)


def test_every_filter_is_on_a_phone_screen(server, browser):
    ctx = _phone(browser)
    page = ctx.new_page()
    open_as(page, f"{server}/", user="demo_leader")
    page.locator(".st-key-card_grid .spzx-card").first.wait_for(timeout=60000)
    bar = page.locator(".st-key-filter_bar")
    assert bar.evaluate("b => b.scrollWidth <= b.clientWidth")  # nothing hidden in a sideways scroll
    for label in FILTERS:
        box = bar.get_by_text(label, exact=True).first.bounding_box()
        assert box and box["width"] > 0, label
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (label, box)
        assert box["y"] + box["height"] <= PHONE["height"], (label, box)  # on the first screen
    for i in range(bar.locator(":scope > div").count()):  # every widget, not only its label
        box = bar.locator(":scope > div").nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (i, box)
    shot(page, "phone_filters")
    ctx.close()


def _overlapping(labels: list) -> list[tuple[str, str]]:
    """Neighbouring axis labels that cross: parallel labels turned by an angle overlap when the
    distance between their lines (the step times the sine of the angle) is under the font size;
    flat ones when the step is under half their widths."""
    crossing = []
    for (x1, _, turn, font, w1, a), (x2, _, _, _, w2, b) in zip(labels, labels[1:]):
        step = abs(x2 - x1)
        apart = step * abs(math.sin(math.radians(turn))) if turn % 180 else step - (w1 + w2) / 2
        if apart < (font if turn % 180 else 0):
            crossing.append((a, b))
    return crossing


def test_heat_map_column_labels_do_not_overlap_on_a_phone(server, browser):
    ctx = _phone(browser)
    page = ctx.new_page()
    open_as(page, f"{server}/compare", user="demo_leader")
    page.get_by_role("heading", name="达标热力图").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    heat = page.locator("[data-testid='stVegaLiteChart']").nth(1)
    heat.locator("svg .role-axis-label text").first.wait_for(timeout=60000)
    heat.scroll_into_view_if_needed()
    labels = heat.evaluate(X_LABELS_JS)
    assert len(labels) > 20  # every indicator's column is labelled
    assert _overlapping(labels) == []
    assert page.get_by_text("左右滑动查看全部列").is_visible()  # the frame says it scrolls
    shot(page, "phone_heat_map")
    ctx.close()


def test_overlapping_labels_are_found():
    """The measure above: labels 9 px apart at 40° cross, 34 px apart do not."""
    assert _overlapping([[0, 0, 320, 12, 60, "a"], [9, 0, 320, 12, 60, "b"]]) == [("a", "b")]
    assert _overlapping([[0, 0, 320, 12, 60, "a"], [34, 0, 320, 12, 60, "b"]]) == []
    assert _overlapping([[0, 0, 0, 12, 40, "a"], [30, 0, 0, 12, 40, "b"]]) == [("a", "b")]


@pytest.mark.parametrize("width,height,least_font,chart_font", [(1366, 768, 14, 12), (3840, 2160, 20, 18)])
def test_text_size_line_length_and_ticks(server, browser, width, height, least_font, chart_font):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = ctx.new_page()
    open_as(page, f"{server}/", user="demo_leader")
    summary = page.locator("[data-testid='stMarkdownContainer'] > p", has_text=re.compile("同比.*同比")).first
    summary.wait_for(timeout=60000)
    font, line = summary.evaluate("p => [parseFloat(getComputedStyle(p).fontSize), p.getBoundingClientRect().width]")
    assert font >= least_font, font
    assert line / font <= 45, (line, font)  # at most ~45 characters of Chinese to a line
    shot(page, f"overview_{width}")
    page.goto(f"{server}/compare")
    page.get_by_role("heading", name=re.compile("审限内结案率（")).first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    dots = page.locator("[data-testid='stVegaLiteChart']").first
    dots.locator("svg .role-axis-label text").first.wait_for(timeout=60000)
    ticks = dots.evaluate(X_LABELS_JS)
    assert 2 <= len(ticks) <= 12, [t[-1] for t in ticks]
    assert _overlapping(ticks) == []
    # chart text grows with the page's: the units of the ranking, the heat map's columns
    heat = page.locator("[data-testid='stVegaLiteChart']").nth(1)
    heat.locator("svg .role-axis-label text").first.wait_for(timeout=60000)
    sizes = [label[3] for chart in (dots, heat) for label in chart.evaluate(X_LABELS_JS)]
    sizes += dots.evaluate("c => Array.from(c.querySelectorAll('.role-axis-label text')).map(t => parseFloat(t.getAttribute('font-size')))")
    assert min(sizes) == chart_font, sorted(set(sizes))
    assert _overlapping(heat.evaluate(X_LABELS_JS)) == []
    shot(page, f"compare_{width}")
    ctx.close()


VALUE_AXES_JS = """() => Array.from(document.querySelectorAll('[data-testid=stVegaLiteChart]')).flatMap(c =>
  Array.from(c.querySelectorAll('.role-axis'))
    .filter(a => /^X-axis.*linear scale/.test(a.getAttribute('aria-label') || ''))
    .map(a => a.querySelectorAll('.role-axis-label text').length))"""


@pytest.mark.parametrize("path,charts", [("/business", 1), ("/management", 2)])
def test_value_axes_keep_few_ticks_on_a_4k_screen(server, browser, path, charts):
    ctx = browser.new_context(viewport={"width": 3840, "height": 2160}, locale="zh-CN")
    page = ctx.new_page()
    open_as(page, f"{server}{path}", user="demo_admin")
    page.wait_for_function(f"({VALUE_AXES_JS})().length >= {charts}", timeout=60000)
    ticks = page.evaluate(VALUE_AXES_JS)
    assert all(2 <= n <= 12 for n in ticks), ticks
    shot(page, f"ticks_4k_{path.strip('/')}")
    ctx.close()
