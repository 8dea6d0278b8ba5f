"""Record types, declared once: each type's columns, 中文表头, kind, required, code aliases, and
its key. The reader maps headers by `columns_of`; the rules take each column's checks from its
kind, storage its order and, for a column added after the first release, how a database from
before it reads it. schema/codes.py keeps the code tables the case rules check values against.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_TEXT = 200


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: str  # text / date / boolean / integer / decimal / code
    required: bool = False
    values: tuple[str, ...] = ()  # canonical values of a code column
    aliases: dict = field(default_factory=dict)  # alias -> canonical value
    max_len: int = MAX_TEXT
    older: str | None = None  # added later: how a stored table from before it reads it (SQL)


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

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def of_kind(self, kind: str) -> list[str]:
        return [c.name for c in self.columns if c.kind == kind]


CASES = Record("cases", ("case_no",), (
    Column("case_no", "案号", "text", True),
    Column("court_code", "法院代码", "text"),
    Column("case_type", "案件类型", "text"),
    Column("division", "承办部门", "text", True),
    Column("judge_id", "承办人工号", "text", True),
    Column("judge_name", "承办人", "text", True),
    Column("procedure", "审理程序", "text", True),
    Column("cause", "案由", "text"),
    Column("filed_date", "立案日期", "date", True),
    Column("closed_date", "结案日期", "date"),
    Column("closing_method", "结案方式", "text"),
    Column("extended_days", "延长审限天数", "integer"),
    Column("deducted_days", "扣除审限天数", "integer"),
    Column("origin_case_no", "原审案号", "text"),
    Column("hearing", "是否开庭", "boolean"),
    Column("appeal_received_date", "收到上诉状日期", "date"),
    Column("appeal_transferred_date", "上诉移送日期", "date"),
    Column("amount_applied", "申请执行标的额", "decimal"),
    Column("amount_recovered", "执行到位金额", "decimal"),
    Column("has_assets", "有财产可供执行", "boolean"),
    # spec v2
    Column("initial_procedure", "立案审理程序", "text", older="procedure::VARCHAR"),
    Column("four_types", "四类案件", "boolean", older="false"),
    Column("reviewed", "院庭长阅核", "boolean", older="false"),
    Column("enterprise", "涉企", "boolean", older="false"),
))
COURTS = Record("courts", ("court_code",), (
    Column("court_code", "法院代码", "text", True),
    Column("court_name", "法院名称", "text", True),
    Column("level", "法院层级", "text", True),
    Column("parent_code", "上级法院代码", "text"),
    Column("population", "常住人口", "integer"),
))
# Judges list (spec v2)
JUDGES = Record("judges", ("court_code", "judge_id"), (
    Column("court_code", "法院代码", "text", True),
    Column("judge_id", "工号", "text", True),
    Column("judge_name", "姓名", "text", True),
    Column("position", "职务", "text", True),
    Column("division", "部门", "text"),
    Column("team", "审判团队", "text"),
))

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
