"""The floor bench/browser_bench.py measures the dashboard against: one select box and one Altair
chart of a small table, redrawn when the choice changes. Nothing else runs."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

REGIONS = ["东区", "西区", "南区", "北区"]

region = st.selectbox("区域", REGIONS)
shift = REGIONS.index(region)
frame = pd.DataFrame({"月": [f"2026-{m:02d}" for m in range(1, 13)],
                      "件数": [100 + 10 * ((m + shift) % 7) for m in range(12)]})
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="月:O", y="件数:Q"))
