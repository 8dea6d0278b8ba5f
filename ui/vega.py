"""Charts sent to the browser as Vega-Lite specs, their data as Arrow.

present/charts.py writes the charts the pages share as plain dicts (`draw`). A chart a page builds
with Altair (`altair`) is turned into its spec without Altair's schema validation on every run
(the tests validate every page's specs against the Vega-Lite schema instead) and with its data
written straight to Arrow, as st.altair_chart does, not to JSON rows first."""
from __future__ import annotations

import altair as alt
import streamlit as st

from present.charts import ALTAIR_SETTINGS


def _kept(data, datasets: dict) -> dict:
    """Altair data transformer: the frame itself goes into the spec's datasets (Streamlit sends it
    as Arrow), each frame once however many layers draw it."""
    for name, kept in datasets.items():
        if kept is data:
            return {"name": name}
    name = f"frame_{len(datasets)}"  # not data_N: Vega names its own sources so
    datasets[name] = data
    return {"name": name}


alt.data_transformers.register("spzx_kept", _kept)


def spec(chart) -> dict:
    """The Vega-Lite spec of an Altair chart as st.altair_chart sends it: without Altair's default
    theme (its fixed width and height), the data frames as datasets (however many rows), not
    validated."""
    datasets: dict = {}
    with ALTAIR_SETTINGS, alt.theme.enable("none"), alt.data_transformers.enable("spzx_kept", datasets=datasets):
        out = chart.to_dict(validate=False)
    return {**out, "datasets": datasets} if datasets else out


def altair(chart, **kwargs):
    """st.altair_chart of a chart built on the page (same arguments, selections included)."""
    return st.vega_lite_chart(spec(chart), **kwargs)


def draw(chart: dict, **kwargs):
    """st.vega_lite_chart of a present/charts.py spec (`key` and `on_select` for a chart whose
    selection opens something)."""
    return st.vega_lite_chart(chart, **kwargs)
