"""The server's computations log (SPZX_COMPUTATIONS_LOG): one line per cache miss of a cached
query, the query function's name first. Counted between two marks, by that name."""
from __future__ import annotations

import os
from collections import Counter


class ComputationsLog:
    def __init__(self, path: str):
        self.path = path

    def mark(self) -> int:
        """Where the log ends now (bytes)."""
        try:
            return os.path.getsize(self.path)
        except OSError:
            return 0

    def since(self, mark: int) -> Counter | None:
        """Computations logged after `mark`, by function name; None when the server wrote no log."""
        try:
            with open(self.path, "rb") as f:
                f.seek(mark)
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return None
        # a line still being written (no newline yet) waits for the next count
        return Counter(line.split(maxsplit=1)[0] for line in text.split("\n")[:-1] if line.strip())


def describe(counts: Counter | None) -> str:
    if counts is None:
        return "none logged (the server wrote no computations log)"
    if not counts:
        return "none"
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
