"""审计日志 (admin): sign-ins, failed sign-ins, imports and exports, newest first, with whether the
chain of entries still holds (security/audit.py). Read-only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from present import audit_text
from security import audit
from ui.i18n import lang
from ui.layout import page_header
from ui.plain import tm
from ui.tables import show

page_header("audit_log")
check = audit.verify()
if check.holds:
    st.success(tm("audit_chain_holds", n=check.entries, digest=audit.state_digest()[:16]), icon=":material/verified:")
elif check.broken_at is None:  # the triggers that refuse changes were removed
    st.error(tm("audit_triggers_gone", why=check.reason), icon=":material/gpp_bad:")
else:
    st.error(tm("audit_chain_broken", id=check.broken_at), icon=":material/gpp_bad:")
rows = pd.DataFrame(audit.entries(1000), columns=["time", "user", "event", "detail"])
L = lang()  # the stored entries stay as written; shown in the interface's language
rows["detail"] = [audit_text.detail_text(e, d, L) for e, d in zip(rows["event"], rows["detail"])]
rows["event"] = [audit_text.event_name(e, L) for e in rows["event"]]
show(rows, alt="audit log")
