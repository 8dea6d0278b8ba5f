"""bench/loadsim/computations.py: the server's computations log counted between two marks, by
the query function's name (the line's first word)."""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench"))

from loadsim.computations import ComputationsLog, describe  # noqa: E402


def test_counts_the_lines_added_since_the_mark(tmp_path):
    path = tmp_path / "computations.log"
    log = ComputationsLog(str(path))
    assert log.mark() == 0 and log.since(0) is None  # no log written: said, not zero
    path.write_text("_table before\n")
    mark = log.mark()
    with open(path, "a") as f:
        f.write("_table 示01 2026Q3\n_series\n_table\n_spec x\n_sc")  # the last line still being written
    counts = log.since(mark)
    assert counts == {"_table": 2, "_series": 1, "_spec": 1}
    assert describe(counts) == "_table 2, _series 1, _spec 1"
    assert describe(log.since(log.mark())) == "none"
