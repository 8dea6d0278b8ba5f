"""审计日志 (admin): sign-ins, failed sign-ins, imports and exports, newest first. Read-only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from security import audit
from ui.i18n import columns
from ui.layout import page_header

page_header("audit_log")
rows = pd.DataFrame(audit.entries(1000), columns=["time", "user", "event", "detail"])
st.dataframe(columns(rows), hide_index=True, alt="audit log")
