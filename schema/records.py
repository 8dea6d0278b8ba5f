"""Record types, declared once (spec v3): each type's columns, 中文表头, kind, required, code
aliases, and its key. The reader maps headers by `columns_of`; rules and storage read the kinds.

Cases, courts and judges are declared from schema/codes.py (their rules still read codes.py);
visits are declared here and used fully by data/visits.py and data/visit_rules.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schema import codes

MAX_TEXT = 200


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: str  # text / date / boolean / integer / code
    required: bool = False
    values: tuple[str, ...] = ()  # canonical values of a code column
    aliases: dict = field(default_factory=dict)  # alias -> canonical value
    max_len: int = MAX_TEXT


@dataclass(frozen=True)
class Record:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    def columns_of(self) -> dict[str, tuple[str, str, bool]]:
        """The reader's header mapping: name -> (中文表头, kind, required)."""
        return {c.name: (c.zh, c.kind, c.required) for c in self.columns}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _from_codes(name: str, key: tuple[str, ...], cols: dict[str, tuple[str, str, bool]]) -> Record:
    return Record(name, key, tuple(Column(n, zh, kind, req) for n, (zh, kind, req) in cols.items()))


CASES = _from_codes("cases", ("case_no",), codes.CASE_COLUMNS)
COURTS = _from_codes("courts", ("court_code",), codes.COURT_COLUMNS)
JUDGES = _from_codes("judges", ("court_code", "judge_id"), codes.JUDGE_COLUMNS)

VISIT_FORMS = ("来信", "来访", "网上信访", "12368热线")
VISIT_OUTCOMES = ("化解息诉", "解释疏导", "依法终结", "转交办", "其他")

VISITS = Record("visits", ("visit_no",), (
    Column("visit_no", "信访编号", "text", True),
    Column("court_code", "登记法院代码", "text", True),
    Column("received_date", "登记日期", "date", True),
    Column("form", "信访形式", "code", True, VISIT_FORMS,
           {"写信": "来信", "走访": "来访", "接访": "来访", "网信": "网上信访", "网上": "网上信访",
            "12368": "12368热线", "电话": "12368热线"}),
    Column("petitioner_id", "信访人编号", "text", True),
    Column("case_no", "涉及案号", "text"),
    Column("skip_level", "是否越级", "boolean"),
    Column("hearing", "是否听证", "boolean"),
    Column("closed_date", "办结日期", "date"),
    Column("outcome", "办理结果", "code", False, VISIT_OUTCOMES,
           {"息诉罢访": "化解息诉", "已化解": "化解息诉", "终结": "依法终结", "转办": "转交办", "交办": "转交办"}),
))

RECORDS = {r.name: r for r in (CASES, COURTS, JUDGES, VISITS)}

# Stored table `visits` (the contract the visit indicators read); always present, possibly empty.
VISITS_DDL = """CREATE TABLE IF NOT EXISTS visits(
    visit_no VARCHAR PRIMARY KEY, court_code VARCHAR NOT NULL, received_date DATE NOT NULL,
    form VARCHAR NOT NULL, petitioner_id VARCHAR NOT NULL, case_no VARCHAR,
    skip_level BOOLEAN NOT NULL, hearing BOOLEAN NOT NULL, closed_date DATE, outcome VARCHAR)"""
