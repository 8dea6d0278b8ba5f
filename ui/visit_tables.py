"""The table of visits pending over 60 days, as 访源治理 and 节点管控 both show it."""
from __future__ import annotations

import pandas as pd

from ui.export import download_xlsx
from ui.i18n import t
from ui.tables import show


def overdue_table(visits: pd.DataFrame, shown: int, f, ctx, file_name: str, key: str) -> None:
    """`visits` (ui.queries.overdue_visits, not empty): the first `shown` on screen, all in the export."""
    listed = visits.drop(columns=["court_code"]).rename(
        columns={"received_date": t("visits_received_on"), "days_pending": t("visits_days_pending")})
    show(listed.head(shown), alt="visits pending over 60 days")
    download_xlsx(listed, file_name, f, ctx, key=key)
