"""Tables as the pages show them: the interface's headers, blanks as "—", as tall as their rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ui.i18n import columns

ROW_PX = 35
TALLEST = 1100  # px: a longer table scrolls inside its box


def whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns that hold whole numbers (day counts with blanks) as integers."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_float_dtype(values):
            known = values.to_numpy(dtype="float64", na_value=np.nan)  # numpy: every table of every run asks
            known = known[~np.isnan(known)]
            if np.all(np.isfinite(known) & (known == np.floor(known))):
                out[col] = values.astype("Int64")
    return out


def show(frame: pd.DataFrame, alt: str, **kwargs):
    """st.dataframe of `frame` (raw column names: labelled here); returns its selection event."""
    labelled = columns(whole_numbers(frame))
    height = min(TALLEST, ROW_PX * (len(labelled) + 1) + 3)
    return st.dataframe(labelled, hide_index=True, alt=alt, height=height, placeholder="—", **kwargs)
