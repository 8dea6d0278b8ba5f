"""The mapping step's look at a file, as the import page asks for it (data/sandbox.py)."""
from __future__ import annotations

import shutil

from data.sandbox import preview_isolated
from tests.court_export import write_export


def test_a_missing_column_is_named_with_the_upload_s_own_name(tmp_path):
    """The page saves an upload as cases0.csv: the user never saw that name."""
    saved = tmp_path / "cases0.csv"
    shutil.copy(write_export(tmp_path / "export.csv"), saved)
    look = preview_isolated(str(saved), str(tmp_path / "none.duckdb"), None, "鹤鸣县法院导出.csv")
    assert look["problem"].startswith("鹤鸣县法院导出.csv: 缺少必需的列")
    assert "cases0" not in look["problem"]
