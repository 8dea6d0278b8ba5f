"""审计日志 (admin): sign-ins, failed sign-ins, imports and exports, newest first. Read-only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from security import audit
from ui.i18n import lang, t
from ui.layout import page_header
from ui.session import current_user

zh = lang() == "zh"
user = current_user()
if user is None or user.access.role != "admin":
    st.error("无权访问 / not allowed")
    st.stop()
page_header(t("page_audit"))
rows = pd.DataFrame(audit.entries(1000), columns=["time", "user", "event", "detail"])
labels = {"time": "时间", "user": "用户", "event": "事件", "detail": "详情"}
st.dataframe(rows.rename(columns=labels) if zh else rows, hide_index=True, alt="audit log")
