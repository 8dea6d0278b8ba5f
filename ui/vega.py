"""Charts sent as Vega-Lite specs made once per data and language.

Building an Altair chart and turning it into a spec (Altair validates it against the Vega-Lite
schema) costs tens of milliseconds on every rerun; a page redrawn after a filter change mostly
draws the same charts, so the spec is cached by what it is made from."""
from __future__ import annotations

import threading

import altair as alt
import streamlit as st

from present import charts

_THEME = threading.Lock()  # Altair's theme is global to the process


def spec(chart) -> dict:
    """The Vega-Lite spec of an Altair chart as st.altair_chart sends it: without Altair's default
    theme (its fixed width and height), data inline."""
    with _THEME, alt.theme.enable("none"):
        return chart.to_dict()


@st.cache_data(max_entries=256, show_spinner=False)
def _spec(builder: str, args: tuple, kwargs: dict) -> dict:
    return spec(getattr(charts, builder)(*args, **kwargs))


def chart(builder: str, *args, alt_text: str, **kwargs) -> None:
    """Draw present/charts.py's `builder` of these arguments."""
    st.vega_lite_chart(_spec(builder, args, kwargs), alt=alt_text)
