"""A demo province whose names carry Markdown and spreadsheet-formula payloads, as an attacker
could put them into an imported file: every page must show them as text, every export as
inert text. Built by the real generator with its name tables replaced (so the demo users work)."""
from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

TRAP = "127.0.0.1:9999"  # nothing listens here: a request to it means a payload acted
MD_IMAGE = f"![b](http://{TRAP}/x.png)**湖滨**区"
MD_LINK = f"[会话已过期，点此重新登录](http://{TRAP}/login)城关区"
MD_STYLE = ":red[新港]区$x^2$"
FORMULA_CITY = f'=HYPERLINK("http://{TRAP}/x","青岚")'
FORMULA_DIVISIONS = ["@SUM(1+1)", "+1+2城郊", "-2+3东关", "=1+1河西"]  # + "人民法庭"
MD_SURNAME = "**陈**"
FORMULA_SURNAMES = ["=王", "@李", "+张", "-刘", MD_SURNAME]
FORMULA_STARTS = ("=", "+", "-", "@")

_SCRIPT = """
import sys
import data.demo as g
code, city, districts = g.CITIES[0]
districts = list(districts)
for i, name in enumerate({md!r}):
    districts[i] = (name, districts[i][1])
g.CITIES[0] = (code, city, districts)
g.CITIES[1] = (g.CITIES[1][0], {city!r}, g.CITIES[1][2])
g.TRIBUNALS[:4] = {tribunals!r}
g.SURNAMES[:0] = {surnames!r}
g.generate(sys.argv[1], cases=int(sys.argv[2]), seed=2026, progress=False)
"""


def payload_demo(db: str, cases: int = 30_000) -> str:
    script = _SCRIPT.format(md=[MD_IMAGE, MD_LINK, MD_STYLE], city=FORMULA_CITY, tribunals=FORMULA_DIVISIONS,
                            surnames=FORMULA_SURNAMES)
    subprocess.run([sys.executable, "-c", script, db, str(cases)], cwd=ROOT, check=True)
    return db
