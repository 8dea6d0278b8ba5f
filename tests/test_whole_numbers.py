"""ui/tables.whole_numbers: float columns holding whole numbers (day counts with blanks) shown as
integers; anything else as it was."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ui.tables import whole_numbers


def test_whole_columns_become_integers_and_others_stay():
    frame = pd.DataFrame({
        "days": [12.0, None, 30.0], "rate": [0.5, None, 1.0], "name": ["甲", "乙", "丙"],
        "infinite": [np.inf, 1.0, 2.0], "minus_infinite": [-np.inf, 1.0, 2.0],
        "masked": pd.array([1.0, None, 3.0], dtype="Float64"), "masked_part": pd.array([1.5, None, 3.0], dtype="Float64"),
        "blank": [np.nan, np.nan, np.nan], "big": [-0.0, 2.0, 1e15]})
    out = whole_numbers(frame)
    assert {c: str(t) for c, t in out.dtypes.items()} == {
        "days": "Int64", "rate": "float64", "name": str(frame["name"].dtype), "infinite": "float64",
        "minus_infinite": "float64", "masked": "Int64", "masked_part": "Float64", "blank": "Int64", "big": "Int64"}
    assert out["days"].tolist() == [12, pd.NA, 30] and out["big"].tolist() == [0, 2, 10**15]
    assert out["rate"].equals(frame["rate"]) and frame["days"].dtype == "float64"  # the input is left as it was
