"""Excel export keeps the filter values and the data date beside the table."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd

from ui.export import xlsx_bytes


def test_xlsx_has_the_table_and_the_filters():
    table = pd.DataFrame({"法院": ["示01", "示02"], "审限内结案率": [0.9652, 0.9431]})
    data = xlsx_bytes(table, {"期间": "2026Q3", "数据截至": "2026-09-30"}, "compare_court")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["compare_court", "筛选条件"]
    rows = list(wb["compare_court"].values)
    assert rows[0] == ("法院", "审限内结案率") and rows[1] == ("示01", 0.9652)
    assert list(wb["筛选条件"].values) == [("筛选条件", "数值"), ("期间", "2026Q3"), ("数据截至", "2026-09-30")]
    english = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table, {"Period": "2026Q3"}, "compare_court", "en")))
    assert english.sheetnames == ["compare_court", "Filters"]
    assert list(english["Filters"].values) == [("Filter", "Value"), ("Period", "2026Q3")]
