"""Charts sent as Vega-Lite specs, without Altair's schema validation on every run.

Building an Altair chart and turning it into a spec costs milliseconds on every rerun, a third of
it validating the spec against the Vega-Lite schema; the charts' builders are validated once by
the tests instead (tests/test_charts.py). A page redrawn after a filter change mostly draws the
same charts, so `chart` caches the spec by what it is made from."""
from __future__ import annotations

import threading

import altair as alt
import streamlit as st

from present import charts

_THEME = threading.Lock()  # Altair's theme is global to the process


def spec(chart) -> dict:
    """The Vega-Lite spec of an Altair chart as st.altair_chart sends it: without Altair's default
    theme (its fixed width and height), data inline (however many rows), not validated."""
    with _THEME, alt.theme.enable("none"), alt.data_transformers.disable_max_rows():
        return chart.to_dict(validate=False)


def altair(chart, **kwargs):
    """st.altair_chart of a chart built on the page (same arguments, selections included)."""
    return st.vega_lite_chart(spec(chart), **kwargs)


@st.cache_data(max_entries=256, show_spinner=False)
def _spec(builder: str, args: tuple, kwargs: dict) -> dict:
    return spec(getattr(charts, builder)(*args, **kwargs))


def built(builder: str, *args, **kwargs) -> dict:
    """The spec of present/charts.py's `builder` of these arguments, made once per arguments."""
    return _spec(builder, args, kwargs)


def chart(builder: str, *args, alt_text: str, key: str | None = None, on_select="ignore", **kwargs):
    """Draw present/charts.py's `builder` of these arguments (`key` and `on_select` as
    st.vega_lite_chart takes them: a chart whose selection opens something)."""
    return st.vega_lite_chart(_spec(builder, args, kwargs), alt=alt_text, key=key, on_select=on_select)
