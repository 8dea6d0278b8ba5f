"""Widget logic with AppTest: the filter bar follows the link, bad values fall back, language switches."""
from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_metrics_identities import ROOT, demo  # noqa: F401  (fixture)


@pytest.fixture
def app(demo, monkeypatch):  # noqa: F811
    db = demo.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    monkeypatch.setenv("SPZX_DB", db)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)


def test_overview_defaults(app):
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "态势总览"
    assert at.selectbox(key="period").value == "2026Q3"
    assert at.toggle(key="cum").value is True
    assert at.selectbox(key="court").value == "示"
    assert dict(at.query_params) == {}  # defaults keep the link clean


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
    at.selectbox(key="court").select("示").run()
    assert "court" not in at.query_params


def test_english_switch_covers_the_page(app):
    app.query_params["lang"] = "English"
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    labels = [m.label for m in at.metric]
    assert "cases received" in labels and "closed within time limit" in labels
    assert all("件" not in m.value for m in at.metric)


@pytest.mark.parametrize("page", ["app_pages/compare.py", "app_pages/trends.py", "app_pages/definitions.py",
                                  "app_pages/data_overview.py"])
def test_every_page_runs(app, page):
    at = app.run()
    at.switch_page(page).run()
    assert not at.exception
