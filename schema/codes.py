"""Code tables of the case-record format (spec/case-schema.md), defined once.

Everything that validates, stores, generates or computes reads these tables.
"""
from __future__ import annotations

from schema import records

# type code -> (中文名, category 类别, instance 审级)
CASE_TYPES: dict[str, tuple[str, str, str]] = {
    "民初": ("民事一审", "民事", "first"),
    "民终": ("民事二审", "民事", "appeal"),
    "民申": ("民事申请再审审查", "民事", "petition"),
    "民再": ("民事再审", "民事", "retrial"),
    "刑初": ("刑事一审", "刑事", "first"),
    "刑终": ("刑事二审", "刑事", "appeal"),
    "刑申": ("刑事申诉审查", "刑事", "petition"),
    "刑再": ("刑事再审", "刑事", "retrial"),
    "行初": ("行政一审", "行政", "first"),
    "行终": ("行政二审", "行政", "appeal"),
    "行申": ("行政申请再审审查", "行政", "petition"),
    "行再": ("行政再审", "行政", "retrial"),
    "执": ("首次执行", "执行", "enforcement"),
    "执恢": ("恢复执行", "执行", "enforcement"),
    "执异": ("执行异议", "执行", "objection"),
    "执复": ("执行复议", "执行", "objection"),
    "民诉前调": ("诉前调解", "民事", "mediation"),
}
CATEGORIES = ["民事", "刑事", "行政", "执行"]
INSTANCES = ["first", "appeal", "petition", "retrial", "enforcement", "objection", "mediation"]
PREMEDIATION = "民诉前调"

# (type, procedure) -> time limit in days
TIME_LIMITS: dict[tuple[str, str], int] = {
    ("民初", "普通程序"): 180,
    ("民初", "简易程序"): 90,
    ("民初", "小额诉讼程序"): 60,
    ("刑初", "普通程序"): 60,
    ("刑初", "简易程序"): 20,
    ("刑初", "速裁程序"): 10,
    ("行初", "普通程序"): 180,
    ("行初", "简易程序"): 45,
    ("民终", "第二审程序"): 90,
    ("行终", "第二审程序"): 90,
    ("刑终", "第二审程序"): 60,
    ("民申", "审查程序"): 90,
    ("刑申", "审查程序"): 90,
    ("行申", "审查程序"): 90,
    ("民再", "再审程序"): 180,
    ("行再", "再审程序"): 180,
    ("刑再", "再审程序"): 90,
    ("执", "执行程序"): 180,
    ("执恢", "执行程序"): 180,
    ("执异", "审查程序"): 15,
    ("执复", "审查程序"): 30,
    ("民诉前调", "诉前调解"): 30,
}
PROCEDURES = sorted({p for _, p in TIME_LIMITS})
PROCEDURE_ALIASES = {
    "普通": "普通程序", "简易": "简易程序", "小额": "小额诉讼程序", "小额诉讼": "小额诉讼程序",
    "速裁": "速裁程序", "二审": "第二审程序", "再审": "再审程序", "审查": "审查程序", "执行": "执行程序",
}

_FIRST = ["判决", "调解", "撤诉", "驳回起诉", "移送", "其他"]
_APPEAL = ["维持", "改判", "发回重审", "撤诉", "调解", "其他"]
_PETITION = ["驳回申请", "裁定再审", "撤诉", "其他"]
_RETRIAL = ["维持", "改判", "发回重审", "调解", "撤诉", "其他"]
_ENFORCE = ["执行完毕", "终本", "终结执行", "不予执行", "驳回申请", "销案", "其他"]
_OBJECTION = ["支持", "驳回", "撤诉", "其他"]
_MEDIATION = ["调解成功", "调解不成", "撤诉"]
_BY_INSTANCE = {
    "first": _FIRST, "appeal": _APPEAL, "petition": _PETITION, "retrial": _RETRIAL,
    "enforcement": _ENFORCE, "objection": _OBJECTION, "mediation": _MEDIATION,
}
# type -> allowed closing methods
CLOSING_ALLOWED: dict[str, list[str]] = {t: _BY_INSTANCE[v[2]] for t, v in CASE_TYPES.items()}
CLOSING_METHODS = sorted({m for ms in _BY_INSTANCE.values() for m in ms})
CLOSING_ALIASES = {
    "驳回上诉，维持原判": "维持", "驳回上诉维持原判": "维持",
    "驳回再审申请": "驳回申请", "驳回申诉": "驳回申请",
    "判决驳回诉讼请求": "判决",
    "准予撤诉": "撤诉", "准许撤诉": "撤诉", "撤回起诉": "撤诉", "撤回上诉": "撤诉", "撤回申请": "撤诉",
    "终结本次执行程序": "终本", "发回": "发回重审", "和解履行完毕": "执行完毕", "调解结案": "调解",
}

COURT_LEVELS = ["高级", "中级", "基层"]
COURT_LEVEL_ALIASES = {"高院": "高级", "中院": "中级", "基层法院": "基层"}

TRUE_WORDS = ["是", "有", "y", "yes", "true", "1"]
FALSE_WORDS = ["否", "无", "n", "no", "false", "0"]

# Case-list, judges-list and court-list columns: name -> (中文表头, kind, required), from their
# declarations in schema/records.py.
CASE_COLUMNS = records.CASES.columns_of()
JUDGE_COLUMNS = records.JUDGES.columns_of()
COURT_COLUMNS = records.COURTS.columns_of()
# Judges list (spec v2): positions, and the words personnel lists use for them.
POSITIONS = ["院长", "副院长", "审委会专职委员", "庭长", "副庭长", "法官"]
POSITION_ALIASES = {"专职委员": "审委会专职委员", "局长": "庭长", "执行局局长": "庭长", "副局长": "副庭长",
                    "执行局副局长": "副庭长", "审判员": "法官", "员额法官": "法官"}
LEADER_POSITIONS = [p for p in POSITIONS if p != "法官"]  # 院庭长: every position but 法官
