"""The start-up warming (ui/queries.py's seeds) computes what the pages ask first: after it, a
leader, the office or a 条线 head (their line's figures) opening 态势总览, 对比分析, 营商环境, 综合评估 or
趋势分析 at their default view computes no indicator table, series, assessment or outlook of their own,
nor 对比分析's case list when opened. A page that asks its question differently
from the seeds (another indicator tuple, another level) would compute on every first click."""
from __future__ import annotations

import pytest

from ui import answers, queries

from tests.test_app_widgets import unsigned  # noqa: F401  (fixture)
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)

PAGES = ("overview", "compare", "business", "assessment", "trends")
WARMED = (queries._table, queries._series, queries._assessment, queries._outlook, queries._behind)


@pytest.fixture
def served(unsigned, monkeypatch, tmp_path):  # noqa: F811  (the demo's database and a state of its own)
    for query in WARMED:  # answers kept by earlier tests in this process would hide a miss
        monkeypatch.setattr(query.cached, "_kept", type(query.cached._kept)())
    monkeypatch.setattr(answers, "_asks", type(answers._asks)())  # warm the seeds alone
    monkeypatch.setattr(answers, "BUSY_SHARE", 0.0)  # no rest between answers: nobody clicks meanwhile
    monkeypatch.setattr(queries, "SEED_QUARTERS", 1)  # the default view is the latest quarter's
    answers._warm_all(answers.versions())
    log = tmp_path / "computations.log"
    monkeypatch.setenv("SPZX_COMPUTATIONS_LOG", str(log))
    return unsigned, log


@pytest.mark.parametrize("user", ["demo_leader", "demo_admin", "demo_line"])
def test_the_first_view_of_each_page_is_warm(served, user):
    at, log = served
    at.session_state["_user"] = user
    at.run()
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, page
        assert at.title, page  # the page was drawn, not a sign-in or an error
        if page == "compare":  # its 本范围明细案件 opened: the first page of the cases listed
            at.session_state["cases_open"] = True
            at.run()
            assert not at.exception
            assert any("第 1/" in c.value for c in at.caption), "the case list was not drawn"
    names = {q.__name__ for q in WARMED}

    def computed() -> list[str]:
        return [n for n in (log.read_text().split() if log.exists() else []) if n in names]
    assert not computed()
    at.toggle(key="ent").set_value(True).run()  # 涉企 by month: a scope the warming leaves out, computed and seen
    assert not at.exception
    assert "_series" in computed()  # on 趋势分析, the last page opened
