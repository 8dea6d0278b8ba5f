"""The command lines' common ending: `python -m metrics … | head` stops reading early, which is
normal use, not an error."""
from __future__ import annotations

import os
import sys


def run(main) -> None:
    """sys.exit(main()), ending quietly (no traceback) when the reader of stdout goes away."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout once more at exit: point it at /dev/null so that flush cannot fail too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)
