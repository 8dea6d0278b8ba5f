"""审计日志 (admin): sign-ins, failed sign-ins, imports and exports, newest first. Read-only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from security import audit
from ui.i18n import lang, t
from ui.layout import page_header

zh = lang() == "zh"
page_header("audit_log")
rows = pd.DataFrame(audit.entries(1000), columns=["time", "user", "event", "detail"])
labels = {"time": "时间", "user": "用户", "event": "事件", "detail": "详情"}
st.dataframe(rows.rename(columns=labels) if zh else rows, hide_index=True, alt="audit log")
