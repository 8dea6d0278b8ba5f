"""The 会商报告 page's preview holds every section of the Word file, in its order."""
from __future__ import annotations

import html
import io
import os

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from metrics import Period, Scope
from metrics.catalogue import BY_ID, View, in_view
from report.briefing import build, to_docx
from tests.test_metrics_identities import ROOT, demo  # noqa: F401  (fixture)


@pytest.fixture
def app(demo, monkeypatch, tmp_path):  # noqa: F811
    db = demo.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    monkeypatch.setenv("SPZX_DB", db)
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=120)
    at.session_state["_user"] = "demo_admin"
    return at


def _word_sections(demo, scope: Scope, lang: str) -> list[str]:  # noqa: F811
    doc = Document(io.BytesIO(to_docx(build(demo, scope, Period.parse("2026Q3", cumulative=True), lang=lang))))
    return [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


@pytest.mark.parametrize("lang,court", [("中文", "示"), ("English", "示01")])
def test_preview_shows_the_sections_of_the_word_file(app, demo, lang, court):  # noqa: F811
    app.query_params.update(lang=lang, court=court)
    at = app.run()
    at.switch_page("app_pages/briefing.py").run()
    assert not at.exception, at.exception
    shown = [html.unescape(h.value) for h in at.subheader]  # the page writes "." as a character reference
    assert shown == _word_sections(demo, Scope(court=court, with_subordinates=True), "en" if lang == "English" else "zh")
    # 六 综合评估 and 七 审判管理 carry their tables: units scored, the management indicators
    tables = [tb.value for tb in at.table]
    composite = "综合得分" if lang == "中文" else "Composite"
    assert any(any(composite in str(c) for c in tb.columns) and len(tb) >= 2 for tb in tables)
    first = BY_ID[in_view(View.MANAGEMENT)[0]].name("en" if lang == "English" else "zh")
    assert any(first in [html.unescape(str(v)) for v in tb.iloc[:, 0]] for tb in tables)
