"""Widget logic with AppTest: the filter bar follows the link, bad values fall back, language switches."""
from __future__ import annotations

import json
import os

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema
from streamlit.testing.v1 import AppTest

from tests.helpers import demo_roles, headline_figures
from ui.pages import PAGES, pages_for

from tests.test_metrics_identities import ROOT, demo  # noqa: F401  (fixture)


@pytest.fixture
def unsigned(demo, monkeypatch, tmp_path):  # noqa: F811
    db = demo.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    monkeypatch.setenv("SPZX_DB", db)
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)


@pytest.fixture
def app(unsigned):
    unsigned.session_state["_user"] = "demo_admin"
    return unsigned


def test_overview_defaults(app):  # signed in as the demo 审管办
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "态势总览"
    assert at.selectbox(key="period").value == "2026Q3"
    assert at.toggle(key="cum").value is True
    assert at.selectbox(key="court").value == "示"
    # fixed defaults stay out of the link; the ones worked out (court, latest period) are written,
    # so the link shows the same view to another user and on a later day
    assert dict(at.query_params) == {"court": "示", "period": "2026Q3"}


def test_link_values_are_restored(app):
    app.query_params.update(court="示01", pk="month", period="2026-05", cum="false", cat="执行")
    at = app.run()
    assert not at.exception
    assert at.selectbox(key="court").value == "示01"
    assert at.segmented_control(key="pk").value == "month"
    assert at.selectbox(key="period").value == "2026-05"
    assert at.toggle(key="cum").value is False
    assert at.selectbox(key="cat").value == "执行"
    assert at.query_params["court"] == "示01" and at.query_params["period"] == "2026-05"


def test_tampered_values_fall_back_with_a_notice(app):
    app.query_params.update(court="'; DROP TABLE cases; --", period="2099Q9", cum="maybe")
    at = app.run()
    assert not at.exception
    assert at.selectbox(key="court").value == "示"
    assert at.selectbox(key="period").value == "2026Q3"
    assert at.toggle(key="cum").value is True
    assert any("链接中的参数无效" in t.value for t in at.toast)


def test_changing_a_filter_writes_the_link(app):
    at = app.run()
    at.selectbox(key="court").select("示02").run()
    assert not at.exception
    assert at.query_params["court"] == "示02"
    at.toggle(key="cum").set_value(False).run()
    assert at.query_params["cum"] == "false"
    at.toggle(key="cum").set_value(True).run()
    assert "cum" not in at.query_params and at.query_params["court"] == "示02"


def test_english_switch_covers_the_page(app):
    app.query_params["lang"] = "English"
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    figures = headline_figures(at)
    assert "cases received" in figures and "closed within time limit" in figures
    assert all("件" not in value for value in figures.values())


# every page each demo user may open, from the page table (the big screen has its own browser test)
VEGA_LITE = load_schema()
ROLE_PAGES = {user: [p.key for p in pages_for(role) if p.key != "screen"] for role, user in demo_roles().items()}
OUTSIDE = [(user, p.key) for role, user in demo_roles().items() for p in PAGES if role not in p.roles]


@pytest.mark.parametrize("user,page", [(u, p) for u, ps in ROLE_PAGES.items() for p in ps])
def test_every_page_under_every_role(unsigned, user, page):
    unsigned.session_state["_user"] = user
    at = unsigned.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    # the pages send their charts unvalidated (ui/vega.py): each must be valid Vega-Lite
    charts = at.get("vega_lite_chart")
    for chart in charts:
        validate_jsonschema(json.loads(chart.proto.spec), VEGA_LITE)
    if page in ("overview", "compare", "trends", "assessment"):
        assert charts, "the page's charts were not found"


@pytest.mark.parametrize("user,page", OUTSIDE)
def test_pages_outside_a_role_are_not_served(unsigned, user, page):
    unsigned.session_state["_user"] = user
    at = unsigned.run()
    with pytest.raises(ValueError):  # not a registered page for this user
        at.switch_page(f"app_pages/{page}.py")


def test_sign_in_page_and_demo_users(unsigned):
    at = unsigned.run()
    assert not at.exception
    assert [b.label for b in at.button if b.key and b.key.startswith("demo_")] == [
        "演示：审管办管理员 · 审管办", "演示：明湖市中院院领导 · 院领导", "演示：明湖市中院民一庭庭长（民事条线） · 条线庭长",
        "演示：湖滨区法院民一庭庭长 · 庭长", "演示：法官于航怡 · 法官"]
    at.button(key="demo_demo_judge").click().run()
    assert not at.exception
    assert at.title[0].value == "我的案件"


def test_wrong_password_and_unknown_user(unsigned):
    at = unsigned.run()
    at.text_input(key="si_user").input("demo_admin")
    at.text_input(key="si_pass").input("guess")
    at.button[0].click().run()
    assert at.error[0].value == "用户名或密码错误"
    at.text_input(key="si_user").input("nobody")
    at.button[0].click().run()
    assert at.error[0].value == "用户名或密码错误"
    assert "_user" not in at.session_state


def test_judge_cannot_reach_other_judges_through_the_link(unsigned):
    unsigned.session_state["_user"] = "demo_judge"
    unsigned.query_params.update(court="示02", district="true")
    at = unsigned.run()
    assert not at.exception
    assert at.selectbox(key="court").value == "示0101"  # the only court offered
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    names = set()
    for df in at.dataframe:
        if "name" in getattr(df.value, "columns", []):
            names |= set(df.value["name"])
    # colleagues are anonymous on every table the page sends
    assert all(n.startswith("法官") or n == "于航怡" for n in names)


def test_closed_sections_compute_nothing(app, monkeypatch):
    """On 对比分析 the "why did it move" split and the whole-scope case list are computed only
    when their sections are opened."""
    from ui import queries

    calls = []
    for name in ("moved", "drill"):
        real = getattr(queries, name)
        monkeypatch.setattr(queries, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    at = app.run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    assert [e.label for e in at.expander] == ["变动归因：哪些单位拉动了变化（与上年同期比）", "本范围明细案件"]
    assert calls == []


def test_meets_rate_on_the_overview_and_the_comparison(app):
    at = app.run()
    assert not at.exception
    rate = next(m for m in at.metric if m.label == "达标率")
    assert rate.value.endswith("项）") and "%" in rate.value
    at.switch_page("app_pages/compare.py").run()
    at.segmented_control(key="level").set_value("division").run()
    tables = [df.value for df in at.dataframe if "达标率" in getattr(df.value, "columns", [])]
    assert len(tables) == 1 and len(tables[0]) >= 2  # one row per division
    for rate, counts in zip(tables[0]["达标率"], tables[0]["达标/有区间"]):
        meets, judged = map(int, counts.split("/"))
        assert rate == (f"{meets / judged * 100:.2f}%" if judged else "—")


def test_judge_pseudonyms_hold_between_sessions(unsigned):
    """法官A in one session is 法官A in the next (same viewer, same year), and real names stay hidden."""
    import duckdb

    def colleagues() -> list:
        at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)
        at.session_state["_user"] = "demo_judge"
        at.run()
        at.switch_page("app_pages/compare.py").run()
        assert not at.exception
        frames = [d.value for d in at.dataframe if "法官" in d.value.columns]
        return list(frames[0]["法官"])

    first, second = colleagues(), colleagues()
    assert first == second and any(n.startswith("法官") for n in first)
    with duckdb.connect(os.environ["SPZX_DB"], read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT DISTINCT judge_name FROM cases").fetchall()}
    assert len([n for n in first if n in names]) == 1  # only the judge's own name


def test_the_year_view_says_it_runs_to_the_data_date(app):
    app.query_params.update(pk="year", period="2026")
    at = app.run()
    assert not at.exception
    assert not [w for w in at.toggle if w.key == "cum"]  # a year is its own 年初累计: no switch
    assert any("2026年尚未结束" in c.value and "2025年1—9月" in c.value for c in at.caption)
    assert not any(c.value.startswith("环比") for c in at.caption)


def test_the_ledger_shows_no_switch_that_would_change_nothing(app):
    """整改台账's values are each unit's year to date of every case: no category or 涉企 switch
    (they stay on the pages that count by them, and the choice held there comes back)."""
    app.query_params.update(cat="民事", ent="true")
    at = app.run()
    assert at.selectbox(key="cat").value == "民事" and at.toggle(key="ent").value is True
    at.switch_page("app_pages/actions.py").run()
    assert not at.exception
    assert at.title[0].value == "整改台账"
    assert not [w for w in at.selectbox if w.key == "cat"] and not [w for w in at.toggle if w.key == "ent"]
    at.switch_page("app_pages/overview.py").run()
    assert at.selectbox(key="cat").value == "民事" and at.toggle(key="ent").value is True


def test_business_gaps_keep_their_sign_for_the_arrow(app):
    """st.metric reads the delta's sign for its arrow and colour: a gap written for Markdown
    ("&#45;1.16") showed a worse 涉企 figure with a green arrow up."""
    at = app.run()
    at.switch_page("app_pages/business.py").run()
    assert not at.exception
    deltas = [m.proto.delta for m in at.metric if m.proto.delta]
    assert deltas and all(d[0] in "+-±" for d in deltas), deltas
    assert any(d.startswith("-") for d in deltas)  # the demo has 涉企 figures below all cases'
