"""Import profiles: how one source system's export maps onto the case-record format.

A court's case system exports its own headers (承办法官 for 承办人, 收案日期 for 立案日期) and its
own words (判决结案 for 判决). A profile is a small TOML file per source system in
config/profiles/ (or SPZX_PROFILES):

    description = "某审判系统的案件导出"
    [columns]            # the file's header -> the column it holds
    "承办法官" = "judge_name"
    [values.closing_method]   # a word of the file -> the word of the format
    "判决结案" = "判决"

A profile of the letters-and-visits list says so (`record = "visits"`): its columns are the
list's (schema/records.py) and its words those of 信访形式 and 办理结果.

Columns not named keep the standard headers (Chinese or English). Every rule of the format
still applies after the mapping, including a column named twice (`承办法官` mapped to
judge_name beside a `承办人` column makes the file unusable).
"""
from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from schema import codes, records

from .reader import UnusableFile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A file name, never a path; not starting with "-", which `--profile NAME` would take for an option:
# the one rule of saving (the import page) and of naming a profile on the command line.
NAME_RE = re.compile(r"\w[\w\-]{0,39}")
# Headers other systems are known to use, for proposing a mapping (the standard ones match by themselves).
ALIASES = {
    "案件编号": "case_no", "案件字号": "case_no", "法院编码": "court_code", "经办法院": "court_code",
    "承办庭室": "division", "承办庭": "division", "审判庭": "division", "部门": "division",
    "承办法官": "judge_name", "承办人姓名": "judge_name", "主审法官": "judge_name", "法官姓名": "judge_name",
    "承办法官工号": "judge_id", "法官工号": "judge_id", "承办人编号": "judge_id", "法官编号": "judge_id",
    "适用程序": "procedure", "程序": "procedure", "案件类型代字": "case_type", "类型代字": "case_type",
    "收案日期": "filed_date", "立案时间": "filed_date", "受理日期": "filed_date",
    "结案时间": "closed_date", "审结日期": "closed_date", "结案方式名称": "closing_method",
    "延长天数": "extended_days", "扣除天数": "deducted_days", "扣除审限": "deducted_days",
    "原审案件": "origin_case_no", "一审案号": "origin_case_no", "开庭": "hearing",
    "上诉状收到日期": "appeal_received_date", "移送上诉日期": "appeal_transferred_date",
    "标的额": "amount_applied", "申请标的": "amount_applied", "到位金额": "amount_recovered", "实际到位": "amount_recovered",
    "有可供执行财产": "has_assets",
}
VISIT_ALIASES = {
    "信访件编号": "visit_no", "来信来访编号": "visit_no", "编号": "visit_no", "法院代码": "court_code",
    "登记法院": "court_code", "收到日期": "received_date", "来信来访日期": "received_date", "信访日期": "received_date",
    "形式": "form", "来访形式": "form", "信访人": "petitioner_id", "信访人证件号": "petitioner_id",
    "案号": "case_no", "关联案号": "case_no", "越级": "skip_level", "越级访": "skip_level", "听证": "hearing",
    "办结时间": "closed_date", "结案日期": "closed_date", "处理结果": "outcome", "办理情况": "outcome",
}
VOCABULARIES = {"procedure": codes.PROCEDURES, "closing_method": codes.CLOSING_METHODS}


@dataclass(frozen=True)
class Profile:
    name: str
    columns: dict[str, str] = field(default_factory=dict)  # the file's header -> column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {file's word -> format's word}
    description: str = ""
    record: str = "cases"  # the list it maps: cases, or visits (the letters-and-visits list)


def vocabularies(record: str) -> dict[str, tuple[str, ...]]:
    """Column -> the words a profile may map a file's words onto: the case list's procedure and
    closing method, the visits list's code columns (信访形式, 办理结果)."""
    if record == "cases":
        return VOCABULARIES
    return {c.name: c.values for c in records.RECORDS[record].columns if c.kind == "code"}


def columns_of(record: str) -> dict[str, tuple[str, str, bool]]:
    return codes.CASE_COLUMNS if record == "cases" else records.RECORDS[record].columns_of()


def folder() -> str:
    return os.environ.get("SPZX_PROFILES", os.path.join(ROOT, "config", "profiles"))


def names(record: str | None = None) -> list[str]:
    """The saved profiles; with `record`, only those of that list."""
    if not os.path.isdir(folder()):
        return []
    every = sorted(f[:-5] for f in os.listdir(folder()) if f.endswith(".toml"))
    if record is None:
        return every
    return [n for n in every if _record_of(os.path.join(folder(), f"{n}.toml")) == record]


def _record_of(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return str(tomllib.load(f).get("record", "cases"))
    except (OSError, tomllib.TOMLDecodeError):
        return None


def _path(name: str) -> str:
    if not NAME_RE.fullmatch(name):
        raise UnusableFile(f"配置名只能含文字、数字、_ 和 -，且不以 - 开头：{name[:40]} / a profile name holds letters, "
                           "digits, _ and - only, and does not start with -")
    return os.path.join(folder(), f"{name}.toml")


def load(name_or_path: str) -> Profile:
    """A profile by name (config/profiles/NAME.toml) or by the path of its file."""
    path = name_or_path if name_or_path.endswith(".toml") and os.sep in name_or_path else _path(name_or_path)
    name = os.path.basename(path)[:-5]
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        raise UnusableFile(f"没有导入配置 {name}（可用：{', '.join(names()) or '无'}） / no import profile {name}") from None
    except tomllib.TOMLDecodeError as e:
        raise UnusableFile(f"导入配置 {name} 不是有效的 TOML / profile {name} is not valid TOML: {e}") from None
    profile = Profile(name, dict(raw.get("columns", {})), {k: dict(v) for k, v in raw.get("values", {}).items()},
                      str(raw.get("description", "")), str(raw.get("record", "cases")))
    check(profile)
    return profile


def check(profile: Profile) -> None:
    """UnusableFile when the profile names a list, a column or a word the format does not have."""
    if profile.record not in ("cases", "visits"):
        raise UnusableFile(f"导入配置 {profile.name}：不认识的表 {profile.record[:40]}（应为 cases 或 visits） / "
                           f"profile {profile.name}: record must be cases or visits")
    columns, words_of = columns_of(profile.record), vocabularies(profile.record)
    table = "案件表" if profile.record == "cases" else "信访登记表"
    for header, col in profile.columns.items():
        if col not in columns:
            raise UnusableFile(f"导入配置 {profile.name}：列“{header}”对应的 {col} 不是{table}的列 / "
                               f"profile {profile.name}: {col} is not a column of the {'case' if profile.record == 'cases' else 'visits'} table")
    for col, words in profile.values.items():
        if col not in words_of:
            raise UnusableFile(f"导入配置 {profile.name}：只能为{'和'.join(columns[c][0] for c in words_of)}设置用语对照 / "
                               f"profile {profile.name}: value mappings are for {' and '.join(words_of)} only")
        for word, target in words.items():
            if target not in words_of[col]:
                raise UnusableFile(f"导入配置 {profile.name}：“{word}”对应的“{target}”不是有效的{columns[col][0]} / "
                                   f"profile {profile.name}: {target} is not a valid {col}")


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def save(profile: Profile, path: str | None = None) -> str:
    """Write the profile atomically (a new file renamed into place) as config/profiles/NAME.toml,
    or at `path`; returns the path."""
    check(profile)
    path = path or _path(profile.name)
    lines = [f"description = {_toml(profile.description)}"]
    lines += [f"record = {_toml(profile.record)}"] if profile.record != "cases" else []
    lines += ["", "[columns]"]
    lines += [f"{_toml(h)} = {_toml(c)}" for h, c in profile.columns.items()]
    for col, words in profile.values.items():
        if words:
            lines += ["", f"[values.{col}]"] + [f"{_toml(w)} = {_toml(v)}" for w, v in words.items()]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return path


def propose(header: list[str], record: str = "cases") -> dict[str, str]:
    """The file's header -> column, for headers the format does not know by itself but an alias
    does, when no header of the file already names that column."""
    columns = columns_of(record)
    aliases = ALIASES if record == "cases" else VISIT_ALIASES
    standard = {c.lower(): c for c in columns} | {zh: c for c, (zh, _k, _r) in columns.items()}
    keys = [h.strip() for h in header]
    named = {standard.get(k.lower()) or standard.get(k) for k in keys} - {None}
    out: dict[str, str] = {}
    for key in keys:
        col = aliases.get(key)
        if col and key.lower() not in standard and col not in named and col not in out.values():
            out[key] = col
    return out


def apply_values(table: pa.Table, profile: Profile | None) -> pa.Table:
    """The table with the profile's words replaced by the format's (others left for the rules to judge)."""
    if profile is None:
        return table
    for col, words in profile.values.items():
        if not words or col not in table.column_names:
            continue
        source = pa.array(list(words), pa.string())
        target = pa.array(list(words.values()), pa.string())
        arr = table[col]
        idx = pc.index_in(arr, value_set=source)
        mapped = pc.if_else(pc.is_valid(idx), pc.take(target, pc.fill_null(idx, 0)), arr)
        table = table.set_column(table.column_names.index(col), col, mapped)
    return table
