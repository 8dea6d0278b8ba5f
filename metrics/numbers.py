"""How the command line writes a number (spec/cli.md): counts as integers, rates and ratios in
full precision, nothing for a missing value. Shared by `python -m metrics` and `python -m report`."""
from __future__ import annotations

import math


def number(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return str(int(x))
    return repr(float(x)) if isinstance(x, float) else str(int(x))


def value(x, kind: str) -> str:
    """An indicator's value, written by its kind."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return number(x) if kind == "count" else repr(float(x))
