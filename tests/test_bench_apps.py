"""The reference apps bench/browser_bench.py times the dashboard against draw what they claim."""
from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench")


def test_trivial_app_redraws_on_a_choice():
    at = AppTest.from_file(os.path.join(BENCH, "trivial_app.py")).run()
    assert not at.exception
    at.selectbox[0].select("西区").run()
    assert not at.exception and at.selectbox[0].value == "西区"


def test_elements_app_draws_a_landing_page_after_its_button():
    at = AppTest.from_file(os.path.join(BENCH, "elements_app.py")).run()
    assert not at.exception and not at.subheader
    at.button[0].click().run()
    assert not at.exception
    # the leader's landing page's kinds of element: filters, headings, a metric, a table
    assert [s.value for s in at.subheader][:2] == ["本期概述", "核心指标"]
    assert len(at.selectbox) == 3 and len(at.toggle) == 3 and len(at.metric) == 1 and len(at.dataframe) == 1
    at.toggle[1].set_value(False).run()  # 年初累计 off: the summary changes
    assert any("当期。" in m.value for m in at.markdown)
