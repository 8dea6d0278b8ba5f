"""Excel export keeps the filter values and the data date beside the table."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd

from ui.export import xlsx_bytes


def test_xlsx_has_the_table_and_the_filters():
    table = pd.DataFrame({"法院": ["示01", "示02"], "审限内结案率": [0.9652, 0.9431]})
    data = xlsx_bytes(table, {"期间 period": "2026Q3", "数据截至 data date": "2026-09-30"}, "compare_court")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["compare_court", "筛选条件 filters"]
    rows = list(wb["compare_court"].values)
    assert rows[0] == ("法院", "审限内结案率") and rows[1] == ("示01", 0.9652)
    filters = dict(list(wb["筛选条件 filters"].values)[1:])
    assert filters == {"期间 period": "2026Q3", "数据截至 data date": "2026-09-30"}
