"""The pages over courts with different data-through dates (AppTest: what the filter bar offers
and what the page says), and a judge's deadlines counted from today beside the data's age."""
from __future__ import annotations

import datetime as dt
import html
import os

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics.warnings import counted_from_today, week_end
from tests.helpers import ROOT
from tests.test_court_dates import two_dates  # noqa: F401  (fixture)

USERS = """
[settings]
demo_mode = false
[users.office]
name = "审管办"
role = "admin"
password_hash = "x"
[users.judge]
name = "法官"
role = "judge"
court = "示0103"
division = "民一庭"
judge_id = "J0103011"
password_hash = "x"
"""


@pytest.fixture
def app(two_dates, monkeypatch, tmp_path):  # noqa: F811
    (tmp_path / "users.toml").write_text(USERS, encoding="utf-8")
    monkeypatch.setenv("SPZX_DB", two_dates)
    monkeypatch.setenv("SPZX_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)


def _texts(elements) -> list[str]:
    return [html.unescape(e.value) for e in elements]


def test_a_mixed_scope_ends_at_the_common_date_and_says_which_courts_reach_further(app):
    app.session_state["_user"] = "office"
    at = app.run()
    assert not at.exception
    # 示0102 sent up to 2026-09-05: the latest quarter offered is the third, not the fourth 示0103 reached
    assert at.selectbox(key="period").value == "2026Q3"
    assert "2026Q4" not in at.selectbox(key="period").options
    warned = [w for w in _texts(at.warning) if "数据截至日期不同" in w]
    assert warned and "东川市河口区人民法院 2026-11-05" in warned[0] and "2026-09-05" in warned[0]
    assert any("数据截至 2026-09-05" in c and "各法院 2026-09-05 至 2026-11-05" in c for c in _texts(at.caption))
    # 示0103 on its own: its own date, its fourth quarter, no warning
    at.selectbox(key="court").select("示0103").run()
    assert not at.exception
    assert at.selectbox(key="period").value == "2026Q4"
    assert not [w for w in _texts(at.warning) if "数据截至日期不同" in w]
    assert any("数据截至 2026-11-05" in c for c in _texts(at.caption))


def test_every_analysis_page_warns_of_a_mixed_scope(app):
    from ui.pages import PAGES

    app.session_state["_user"] = "office"
    at = app.run()
    for spec in PAGES:
        if "admin" not in spec.roles or spec.key in ("screen", "data_import", "data_overview", "definitions",
                                                      "evaluation_settings", "audit_log", "profile", "subscriptions"):
            continue  # pages without a scope give the database's range; 画像 is of one court's unit, one date;
            # 订阅与提醒 shows no figures (each message carries its own scope's data date)
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.key, at.exception)
        assert any("数据截至日期不同" in w for w in _texts(at.warning)), spec.key


def test_the_completeness_table_lists_each_court(app):
    app.session_state["_user"] = "office"
    at = app.run()
    at.switch_page("app_pages/data_overview.py").run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "落后天数" in df.value.columns)
    rows = table.set_index("法院代码")
    assert rows.loc["示0102", "数据截至"] == dt.date(2026, 9, 5) and rows.loc["示0102", "落后天数"] == 61
    assert rows.loc["示0103", "数据截至"] == dt.date(2026, 11, 5) and pd.isna(rows.loc["示0103", "落后天数"])
    assert rows.loc["示0103", "来源文件"] == "河口.csv" and rows.loc["示0103", "案件数"] == 22
    assert pd.isna(rows.loc["示0201", "数据截至"])  # no data yet


def test_a_judge_sees_the_data_age_and_days_left_from_today(app):
    app.session_state["_user"] = "judge"
    at = app.run()
    assert not at.exception
    today = dt.date.today()
    age = (today - dt.date(2026, 11, 5)).days
    assert any(f"数据截至 2026-11-05，已是 {age} 天前" in w for w in _texts(at.warning))
    table = next(df.value for df in at.dataframe if "剩余审限天数（按今天）" in df.value.columns)
    # the pending case filed 2026-11-05 (普通程序, 180 days): its limit falls on 2027-05-04
    row = table[table["案号"] == "(2026)示0103民初11号"].iloc[0]
    assert row["审限届满日"] == dt.date(2027, 5, 4)
    assert row["剩余审限天数（按今天）"] == (dt.date(2027, 5, 4) - today).days
    assert any("本周到期" in h.proto.body for h in at.get("html"))


def test_days_left_from_today_and_this_week():
    frame = pd.DataFrame({"case_no": ["a", "b", "c"], "days_left": [10, -3, 70]})
    out = counted_from_today(frame, dt.date(2026, 9, 30), dt.date(2026, 12, 4))
    assert list(out["due_date"]) == [dt.date(2026, 10, 10), dt.date(2026, 9, 27), dt.date(2026, 12, 9)]
    assert list(out["days_left_today"]) == [-55, -68, 5]
    assert week_end(dt.date(2026, 12, 4)) == dt.date(2026, 12, 6)  # a Friday: its Sunday
    assert week_end(dt.date(2026, 12, 7)) == dt.date(2026, 12, 13)  # a Monday
