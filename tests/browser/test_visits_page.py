"""访源治理 in a real browser on the demo database, its letters and visits with more added (tests/demo_visits.py): as
admin, leader, line head and division head, in Chinese and English, with the figures the metrics
give for the scope the page's link names; a judge finds it neither in the navigation nor at its
address; 节点管控 lists the visits pending over 60 days."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from metrics import visit_lists
from metrics.engine import compute
from metrics.query import Query
from security.users import load_users
from tests.browser.conftest import ROOT, open_as, shot, start_server, stop_server, wait_ready
from tests.demo_visits import add_visits

TITLE = {"zh": "访源治理", "en": "Letters and visits"}


@pytest.fixture(scope="module")
def visits_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("visits_page") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "30000", "--quiet"],
                   cwd=ROOT, check=True)
    assert add_visits(db) > 0
    return db


@pytest.fixture(scope="module")
def visits_server(visits_db):
    url, proc = start_server(visits_db, log_name="visits_page.log")
    yield url
    stop_server(proc)


def _no_error(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.errors == []


def _asked(page, user: str) -> Query:
    """The query the page's link names, asked by `user` (the defaults are written into the link)."""
    link = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    access = load_users().users[user].access
    return Query(viewer=access, period=link["period"], cumulative=link.get("cum", "true") == "true",
                 court=link["court"], district=link.get("district", "true") == "true",
                 category=link.get("cat"), as_of=dt.date(2026, 9, 30))


def _tall_shot(page, name: str) -> None:
    """The whole page (the app scrolls inside its own frame: a tall window shows it all)."""
    page.set_viewport_size({"width": 1366, "height": 4200})
    wait_ready(page, 60000)
    shot(page, name)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("user", ["demo_admin", "demo_leader", "demo_line", "demo_head"])
def test_the_page_shows_the_scopes_visits(visits_server, visits_db, page, user, lang):
    open_as(page, f"{visits_server}/visits" + ("?lang=English" if lang == "en" else ""), user=user)
    page.get_by_role("heading", name=TITLE[lang]).first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    _no_error(page)
    with duckdb.connect(visits_db, read_only=True) as con:
        q = _asked(page, user).authorised(con)
        received = compute(con, q.period_obj, None, q.scope, ["visits_received"])["numerator"].iloc[0]
        overdue = visit_lists.overdue(con, q.scope, min(q.period_obj.end, dt.date(2026, 9, 30)))
        repeat = visit_lists.repeat_petitioners(con, q.scope, q.period_obj.start, q.period_obj.end)
    assert received > 0 and len(overdue) > 0
    card = page.locator("[data-indicator='visits_received'] .spzx-value").inner_text()
    assert f"{int(received):,}" in card, (card, received)
    assert page.get_by_text(f"（{len(overdue)}件" if lang == "zh" else f"({len(overdue)}, on").count()
    first = overdue["visit_no"].iloc[0]  # the longest pending is in the table
    assert page.get_by_text(first).count() or page.locator("[data-testid='stDataFrame']").count() >= 3
    if not repeat.empty:
        caption = f"信访人 {len(repeat)} 人" if lang == "zh" else f"{len(repeat)} petitioners visited"
        assert page.get_by_text(caption).count()
    cut = page.evaluate("""() => Array.from(document.querySelectorAll('.spzx-value'))
                             .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
    assert cut == []  # no card value cut off
    if user == "demo_head":  # their division only: the court filter is fixed
        assert q.division == "民一庭" and q.court == "示0101"
    _tall_shot(page, f"visits_{user}_{lang}")


def test_a_judge_cannot_open_the_page(visits_server, page):
    open_as(page, f"{visits_server}/visits", user="demo_judge")
    assert page.get_by_role("heading", name="访源治理").count() == 0
    assert page.get_by_role("link", name="访源治理").count() == 0  # nor in the navigation
    assert page.locator("[data-indicator='visits_received']").count() == 0
    _no_error(page)
    shot(page, "visits_judge_refused")


def test_process_warnings_list_the_visits_pending_over_60_days(visits_server, visits_db, page):
    open_as(page, f"{visits_server}/warnings", user="demo_leader")
    page.get_by_role("heading", name="节点管控").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    with duckdb.connect(visits_db, read_only=True) as con:
        access = load_users().users["demo_leader"].access
        scope = Query(viewer=access, period="2026", court="示01", district=True).authorised(con).scope
        overdue = visit_lists.overdue(con, scope, dt.date(2026, 9, 30))
    assert len(overdue) > 0
    page.get_by_text(f"信访超期未办结（登记超过60天）（{len(overdue)}件").first.wait_for(timeout=30000)
    _no_error(page)
    _tall_shot(page, "visits_warnings_leader")


def test_the_big_screen_shows_the_visits(visits_server, visits_db, browser):
    from tests.browser.test_pages import _screen_view

    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = ctx.new_page()
    try:
        open_as(page, f"{visits_server}/screen?every=5", user="demo_leader")
        _, first, total = _screen_view(page)
        titles = []
        for number in [(first - 1 + k) % total + 1 for k in range(total)]:
            _screen_view(page, number)
            page.wait_for_timeout(1500)
            titles.append(_screen_view(page, number)[0])
            if "访源治理" in titles[-1]:
                break
        assert "访源治理" in titles[-1], titles
        with duckdb.connect(visits_db, read_only=True) as con:
            access = load_users().users["demo_leader"].access
            scope = Query(viewer=access, period="2026", court="示01", district=True).authorised(con).scope
            overdue = visit_lists.overdue(con, scope, dt.date(2026, 9, 30))
        # the period (2026 to Q3) ends on the data date: its overdue card is the list of that day
        card = page.locator("[class*='st-key-screen_card_visits_overdue'] [data-testid='stMetricValue']")
        assert card.inner_text().strip() == f"{len(overdue)}件"
        assert page.locator("[class*='st-key-screen_card_visits_received']").count() == 1
        cut = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid=stMetricValue] *'))
                                 .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
        assert cut == []  # 592.6件/万件 made smaller, not cut
        assert page.locator("[data-testid='stException']").count() == 0
        shot(page, "visits_screen_leader")
    finally:
        ctx.close()


def test_without_a_visits_list_the_page_says_so(no_visits_server, page):
    open_as(page, f"{no_visits_server}/visits?lang=English", user="demo_admin")
    page.get_by_role("heading", name="Letters and visits").first.wait_for(timeout=60000)
    page.get_by_text("No letters-and-visits list has been imported").wait_for()
    assert page.locator("[data-indicator='visits_received']").count() == 0
    _no_error(page)
