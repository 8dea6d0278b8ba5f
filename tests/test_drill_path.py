"""The drill-down's path (ui/drill_path.py): shown wherever the narrowed scope carries over, each
earlier view one click away, held in the link."""
from __future__ import annotations

import html
import json
import os

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_metrics_identities import ROOT, demo  # noqa: F401  (fixture)

# 青岚市中院辖区 › 鹤鸣县 › 鹤鸣县民一庭, as two clicks on 对比分析 leave it
PATH = [["示02", True, "court", None], ["示0203", False, "division", None], ["示0203", False, "judge", "民一庭"]]
DRILLED = dict(court="示0203", district="false", level="judge", division="民一庭",
               trail=json.dumps(PATH, ensure_ascii=False, separators=(",", ":")))


@pytest.fixture
def app(demo, monkeypatch, tmp_path):  # noqa: F811
    db = demo.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    monkeypatch.setenv("SPZX_DB", db)
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=120)
    at.session_state["_user"] = "demo_admin"
    return at


def _crumbs(at) -> list[str]:
    return [html.unescape(b.label) for b in at.button if b.key and b.key.startswith("drill_path_")]


def _here(at) -> str:
    return next(html.unescape(m.value) for m in at.markdown if m.value.startswith("**"))


def test_the_path_shows_on_compare_with_the_division(app):
    app.query_params.update(DRILLED)
    at = app.run().switch_page("app_pages/compare.py").run()
    assert not at.exception, at.exception
    assert _crumbs(at) == ["青岚市中级人民法院辖区", "鹤鸣县人民法院"]
    assert _here(at) == "**鹤鸣县人民法院民一庭**"
    assert at.query_params["trail"] == DRILLED["trail"]


def test_the_path_carries_over_to_assessment_and_briefing(app):
    app.query_params.update(DRILLED)
    at = app.run().switch_page("app_pages/compare.py").run()
    for page in ("assessment", "briefing"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, at.exception
        assert _crumbs(at) == ["青岚市中级人民法院辖区"], page  # the division is 对比分析's own
        assert _here(at) == "**鹤鸣县人民法院**"
        assert at.query_params["trail"] == DRILLED["trail"]  # a copied link keeps the way back


def test_one_click_back_up_the_path(app):
    app.query_params.update(DRILLED)
    at = app.run().switch_page("app_pages/compare.py").run()
    at.button(key="drill_path_1").click().run()  # back to 鹤鸣县's divisions
    assert not at.exception, at.exception
    assert at.selectbox(key="court").value == "示0203" and at.segmented_control(key="level").value == "division"
    assert _crumbs(at) == ["青岚市中级人民法院辖区"] and _here(at) == "**鹤鸣县人民法院**"
    at.button(key="drill_path_0").click().run()  # back to where it started
    assert at.selectbox(key="court").value == "示02" and at.toggle(key="district").value is True
    assert at.segmented_control(key="level").value == "court"
    assert _crumbs(at) == [] and "trail" not in at.query_params and "district" not in at.query_params


def test_a_scope_chosen_by_hand_leaves_the_path(app):
    app.query_params.update(DRILLED)
    at = app.run().switch_page("app_pages/compare.py").run()
    at.selectbox(key="court").select("示0202").run()
    assert not at.exception, at.exception
    assert _crumbs(at) == [] and "trail" not in at.query_params


@pytest.mark.parametrize("trail", ["not a path", json.dumps([["示99", True, "court", None], PATH[-1]]),  # no such court
                                   json.dumps([PATH[0], PATH[-1][:3] + ["民一庭", "x"]])])  # not a view
def test_a_path_that_could_not_lead_here_is_ignored(app, trail):
    app.query_params.update({**DRILLED, "trail": trail})
    at = app.run().switch_page("app_pages/compare.py").run()
    assert not at.exception, at.exception
    assert _crumbs(at) == []
