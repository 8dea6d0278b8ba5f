"""Time one briefing as PDF beside its Word file, in the same run (issue 26: ≤ 3 s for the PDF):

  .venv/bin/python bench/briefing_pdf_bench.py [--db DB | --cases 300000] [--court 示] [--repeat 3]

Without --db, builds a demo database of --cases in a temporary folder. With an empty application
state of its own, times for the province (or --court with its district), 2026Q3 cumulative, Chinese:

  build            report.briefing.build (the figures)
  to_pdf, first    report.pdf.to_pdf in a fresh process: WeasyPrint's import and the fonts' loading included
  to_pdf           its median over --repeat further calls (the page's download after the first)
  to_docx          report.briefing.to_docx, median over --repeat (the reference)
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--cases", type=int, default=300_000)
    ap.add_argument("--court", default="示")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="pdf-bench-")
    os.environ["SPZX_STATE"] = os.path.join(folder, "state.sqlite")
    os.environ.pop("SPZX_STATE_URL", None)
    db = a.db or os.path.join(folder, "demo.duckdb")
    if not a.db:
        subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", str(a.cases), "--quiet"],
                       cwd=ROOT, check=True)

    from metrics import Period, Scope
    from metrics.db import connect
    from report.briefing import build, to_docx

    con = connect(db)
    scope = Scope(court=a.court, with_subordinates=True)
    built, b = _timed(build, con, scope, Period.parse("2026Q3", cumulative=True))
    from report.pdf import to_pdf  # imported here: the first call pays for WeasyPrint's import too

    first, pdf = _timed(to_pdf, b)
    pdfs = [_timed(to_pdf, b)[0] for _ in range(a.repeat)]
    docxs = [_timed(to_docx, b)[0] for _ in range(a.repeat)]
    with open(os.path.join(folder, "briefing.pdf"), "wb") as f:
        f.write(pdf)
    load = os.getloadavg()[0]
    print(f"briefing of {b.scope_name}, {b.period_text} ({len(b.units)} unit rows), load average {load:.1f}")
    print(f"build            {built:6.2f} s")
    print(f"to_pdf, first    {first:6.2f} s  (WeasyPrint's import and fonts included)")
    print(f"to_pdf           {statistics.median(pdfs):6.2f} s  median of {a.repeat}; {len(pdf) / 1e6:.2f} MB  "
          f"target ≤ 3 s")
    print(f"to_docx          {statistics.median(docxs):6.2f} s  median of {a.repeat} (reference, same run)")
    print(f"build + to_pdf   {built + statistics.median(pdfs):6.2f} s")
    print(f"PDF: {os.path.join(folder, 'briefing.pdf')}")


if __name__ == "__main__":
    main()
