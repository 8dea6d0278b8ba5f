"""审计日志 (admin): sign-ins, failed sign-ins, imports and exports, newest first. Read-only."""
from __future__ import annotations

import pandas as pd

from security import audit
from ui.layout import page_header
from ui.tables import show

page_header("audit_log")
rows = pd.DataFrame(audit.entries(1000), columns=["time", "user", "event", "detail"])
show(rows, alt="audit log")
