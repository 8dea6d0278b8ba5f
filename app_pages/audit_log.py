"""审计日志 (admin): sign-ins, failed sign-ins, imports and exports, newest first, with whether the
chain of entries still holds and the log is all its keyed head says (security/audit.py), and the
head to write down. Read-only."""
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
elif check.kind == "triggers":  # the triggers that refuse changes were removed
    st.error(tm("audit_triggers_gone", why=check.reason), icon=":material/gpp_bad:")
elif check.kind == "chain":
    st.error(tm("audit_chain_broken", id=check.broken_at), icon=":material/gpp_bad:")
elif check.kind in ("cut", "emptied"):
    st.error(tm("audit_log_cut", entries=check.head.entries, id=check.head.id), icon=":material/gpp_bad:")
elif check.kind == "head_forged":
    st.error(tm("audit_head_forged"), icon=":material/gpp_bad:")
else:
    st.error(tm("audit_head_missing", n=check.entries), icon=":material/gpp_bad:")
if check.head is not None:  # the keyed head, to be written down elsewhere (security/audit_head.py)
    st.caption(tm("audit_head_note", entries=check.head.entries, id=check.head.id, digest=check.head.hash,
                  at=check.head.at))  # the whole hash: a prefix written down proves little
rows = pd.DataFrame(audit.entries(1000), columns=["time", "user", "event", "detail"])
L = lang()  # the stored entries stay as written; shown in the interface's language
rows["detail"] = [audit_text.detail_text(e, d, L) for e, d in zip(rows["event"], rows["detail"])]
rows["event"] = [audit_text.event_name(e, L) for e in rows["event"]]
show(rows, alt="audit log")
