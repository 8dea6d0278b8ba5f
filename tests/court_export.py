"""A basic court's own export, as the issue tried it: 13 rows of 鹤鸣县 (示0203), GB18030 as
Excel on Chinese Windows writes it, four headers and four words of its own system, two rows
that break a rule."""
from __future__ import annotations

from schema import codes
from tests.helpers import HEADER, case, write_csv, write_xlsx

COURT = "示0203"
THEIR_HEADERS = {"case_no": "收案编号", "judge_id": "主办人代码", "judge_name": "主办人", "filed_date": "登记日期"}
THEIR_WORDS = {"普通程序": "普通（合议）", "简易程序": "简易（独任）", "判决": "判决结", "调解": "调解结"}
BAD = {4: {"filed_date": "2026-02-30"}, 11: {"closed_date": "2026-01-05"}}  # data row -> cells breaking a rule
NAMES = [THEIR_HEADERS.get(c, codes.CASE_COLUMNS[c][0]) for c in HEADER]


def rows() -> list[dict]:
    """The 13 rows in the format's own headers and words."""
    out = []
    for i in range(1, 14):
        procedure, method = ("普通程序", "判决") if i % 2 else ("简易程序", "调解")
        row = case(serial=700 + i, year=2026, court=COURT, division="民一庭", judge_id=f"J0203{i % 3:03d}",
                   judge_name=["鲁一鸣", "秦月", "包川"][i % 3], procedure=procedure, closing_method=method,
                   filed_date=f"2026-0{1 + i % 6}-1{i % 9}", closed_date=f"2026-0{7 + i % 3}-0{1 + i % 8}")
        row.update(BAD.get(i, {}))
        out.append(row)
    return out


def their_cells() -> list[list[str]]:
    return [[THEIR_WORDS.get(r[c], r[c]) if c in ("procedure", "closing_method") else r[c] for c in HEADER]
            for r in rows()]


def write_export(path, encoding: str = "gb18030"):
    """The export as a CSV with the system's own headers (Chinese where the format has them) and words."""
    return write_csv(path, their_cells(), NAMES, encoding)


def write_export_xlsx(path):
    return write_xlsx(path, NAMES, [[v or None for v in r] for r in their_cells()])
