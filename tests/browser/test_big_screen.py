"""The 大屏 read from the back of a meeting room at 1920×1080: measured as the issue measured it —
type sizes, a colour key for the heat map, how much of each view is empty, the 新收/已结/未结
colours against the dashboard's, and English column headers broken between words only."""
from __future__ import annotations

from metrics.catalogue import BY_ID, View, in_view
from tests.browser.conftest import open_as, shot, wait_ready
from tests.browser.test_pages import _screen_view

HD = {"width": 1920, "height": 1080}
READABLE = 28  # px: the least type read from the back of the room on a 1080p screen (~1.5% of its width)

# the share of the screen outside the box from its top-left corner to the lowest, rightmost element of the view
EMPTY_JS = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  let right = 0, bottom = 0;
  for (const el of main.querySelectorAll('[data-testid="stElementContainer"]')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) { right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom); }
  }
  return 1 - Math.min(right, innerWidth) * Math.min(bottom, innerHeight) / (innerWidth * innerHeight);
}"""

# px size of the smallest element whose own text matches the pattern
FONT_OF_JS = """(pattern) => {
  const re = new RegExp(pattern), sizes = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own && re.test(own) && el.getClientRects().length) sizes.push(parseFloat(getComputedStyle(el).fontSize));
  }
  return sizes.length ? Math.min(...sizes) : null;
}"""

# legend label → symbol colour of the first chart with a legend
LEGEND_JS = """() => {
  const chart = Array.from(document.querySelectorAll('[data-testid=stVegaLiteChart]'))
    .find(c => c.querySelector('.role-legend-label'));
  if (!chart) return null;
  const labels = Array.from(chart.querySelectorAll('.role-legend-label text')).map(t => t.textContent);
  const symbols = Array.from(chart.querySelectorAll('.role-legend-symbol path')).map(p => p.getAttribute('fill'));
  return Object.fromEntries(labels.map((l, i) => [l, (symbols[i] || '').toLowerCase()]));
}"""

HEADER_LINES_JS = """() => {
  const chart = document.querySelector('[data-testid=stVegaLiteChart]');
  const axis = Array.from(chart.querySelectorAll('.role-axis'))
    .find(a => (a.getAttribute('aria-label') || '').startsWith('X-axis'));
  return Array.from(axis.querySelectorAll('.role-axis-label text')).map(t => {
    const spans = t.querySelectorAll('tspan');
    return spans.length ? Array.from(spans).map(s => s.textContent) : [t.textContent];
  });
}"""

# card labels drawn shorter than their text (cut with "…")
CUT_LABELS_JS = """() => Array.from(document.querySelectorAll('[data-testid=stMetricLabel] *'))
  .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)"""


def _each_view(page):
    """Every view of the rotation once: yields (title, number) with the view settled on screen."""
    _, first, total = _screen_view(page)
    for number in [(first - 1 + k) % total + 1 for k in range(total)]:
        _screen_view(page, number)
        page.wait_for_timeout(1500)  # the previous view's elements gone, the chart drawn
        yield _screen_view(page, number)[0], number


def test_big_screen_reads_from_the_back_and_fills_the_screen(server, browser):
    ctx = browser.new_context(viewport=HD, locale="zh-CN")
    page = ctx.new_page()
    open_as(page, f"{server}/screen?every=6&court=%E7%A4%BA01&district=true", user="demo_admin")
    empty, flow_colours, short = {}, None, []  # short: what falls short, all of it listed at the end
    for title, number in _each_view(page):
        empty[title] = page.evaluate(EMPTY_JS)
        notes = page.evaluate(FONT_OF_JS, r"数据截至 2026-09-30")  # the clock and the data date
        if notes < READABLE:
            short.append(("notes px", title, notes))
        if "审判质效" in title:  # the 达标 badges on the cards
            badges = page.evaluate(FONT_OF_JS, r"^(未达标|达标)")
            if badges < READABLE:
                short.append(("badge px", badges))
        if "达标情况" in title:  # the heat map's colours named beside it
            for label in ("达标", "未达标（劣于区间）", "区间外（优于区间）", "无区间"):
                if not page.get_by_text(label, exact=True).first.is_visible():
                    short.append(("no key", label))
        if "走势" in title:
            flow_colours = page.evaluate(LEGEND_JS)
        shot(page, f"big_screen_hd_{number}")
    if max(empty.values()) > 0.15:  # no view leaves much of the screen empty
        short.append(("empty share", empty))
    # 新收, 已结, 未结 in the dashboard's colours
    page.goto(f"{server}/")
    page.get_by_role("heading", name="收结存（按月）").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    page.wait_for_function(LEGEND_JS, timeout=60000)
    dashboard = page.evaluate(LEGEND_JS)
    assert set(dashboard) == {"新收", "已结", "未结"}
    if flow_colours != dashboard:
        short.append(("colours", flow_colours, dashboard))
    assert not short, "\n".join(map(repr, short))
    ctx.close()


def test_big_screen_english_headers_break_between_words(server, browser):
    ctx = browser.new_context(viewport=HD, locale="en-GB")
    page = ctx.new_page()
    open_as(page, f"{server}/screen?every=5&lang=English", user="demo_leader")
    headers = cut = None
    for title, _ in _each_view(page):
        if "trial quality" in title:  # card names written whole, on two lines if need be
            cut = page.evaluate(CUT_LABELS_JS)
        if "ranges" in title:
            headers = page.evaluate(HEADER_LINES_JS)
    assert cut == [], cut
    names = [BY_ID[i].name("en") for i in in_view(View.SCREEN_HEAT)]
    # lines joined by a space give the name back: broken between words only, nothing cut short
    assert [" ".join(lines) for lines in headers] == names
    assert any(len(lines) > 1 for lines in headers)  # long names do go on several lines
    shot(page, "big_screen_hd_english_heat")
    ctx.close()
