"""Helpers for tests that write case lists and court lists and import them.

Files are small and hand-made; a case row is a dict of the English column names of
spec/case-schema.md with text values ("" = empty cell), made valid by `case()`.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from schema import codes

ROOT = Path(__file__).resolve().parents[1]
WORKED = ROOT.parent / "shared" / "spec" / "worked-example"
if not WORKED.is_dir():  # the spec travels with the repository under tests/spec when shared/ is absent
    WORKED = ROOT / "tests" / "spec" / "worked-example"

HEADER = list(codes.CASE_COLUMNS)
HEADER_ZH = [codes.CASE_COLUMNS[c][0] for c in HEADER]
COURT_HEADER = list(codes.COURT_COLUMNS)

COURTS = [
    ("示", "示范省高级人民法院", "高级", "", ""),
    ("示01", "东川市中级人民法院", "中级", "示", ""),
    ("示02", "西岭市中级人民法院", "中级", "示", ""),
    ("示0102", "东川市城关区人民法院", "基层", "示01", "820000"),
    ("示0103", "东川市河口区人民法院", "基层", "示01", "430000"),
    ("示0201", "西岭市岭南区人民法院", "基层", "示02", "610000"),
]

# type -> (court, division, procedure, closing method): a valid default row of that type
DEFAULTS = {
    "民初": ("示0102", "民一庭", "普通程序", "判决"),
    "刑初": ("示0102", "刑庭", "普通程序", "判决"),
    "行初": ("示0102", "行政庭", "普通程序", "判决"),
    "民终": ("示01", "民一庭", "第二审程序", "维持"),
    "刑终": ("示01", "刑庭", "第二审程序", "维持"),
    "行终": ("示01", "行政庭", "第二审程序", "维持"),
    "民申": ("示", "审监庭", "审查程序", "驳回申请"),
    "刑申": ("示", "审监庭", "审查程序", "驳回申请"),
    "行申": ("示", "审监庭", "审查程序", "驳回申请"),
    "民再": ("示", "审监庭", "再审程序", "改判"),
    "刑再": ("示", "审监庭", "再审程序", "改判"),
    "行再": ("示", "审监庭", "再审程序", "改判"),
    "执": ("示0102", "执行局", "执行程序", "执行完毕"),
    "执恢": ("示0102", "执行局", "执行程序", "执行完毕"),
    "执异": ("示0102", "执行局", "审查程序", "驳回"),
    "执复": ("示01", "执行局", "审查程序", "驳回"),
    "民诉前调": ("示0102", "诉讼服务中心", "诉前调解", "调解成功"),
}


def case_no(type_code: str, serial: int, year: int = 2025, court: str | None = None) -> str:
    return f"({year}){court or DEFAULTS[type_code][0]}{type_code}{serial}号"


def case(type_code: str = "民初", serial: int = 1, *, year: int = 2025, court: str | None = None, **fields) -> dict:
    """A valid, closed case row of `type_code`; keyword arguments override cells."""
    court = court or DEFAULTS[type_code][0]
    _c, division, procedure, method = DEFAULTS[type_code]
    row = {c: "" for c in HEADER}
    row.update(
        case_no=case_no(type_code, serial, year, court), division=division,
        judge_id=f"J{court[1:] or '00'}{serial:03d}", judge_name="张三", procedure=procedure,
        filed_date=f"{year}-03-01", closed_date=f"{year}-04-01", closing_method=method,
    )
    for k, v in fields.items():
        assert k in row, k
        row[k] = v
    return row


def pending(type_code: str = "民初", serial: int = 1, **fields) -> dict:
    fields.setdefault("closed_date", "")
    fields.setdefault("closing_method", "")
    return case(type_code, serial, **fields)


def as_rows(cases: list[dict | list], header: list[str] = HEADER) -> list[list]:
    """Dicts in `header` order; a list is passed through as a raw row (blank rows, odd widths)."""
    return [c if isinstance(c, list) else [c.get(h, "") for h in header] for c in cases]


def write_csv(path, rows: list[list], header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    """`encoding` "utf-8-sig" writes a BOM, "gb18030" what Excel on Chinese Windows writes."""
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return Path(path)


def write_cases(path, cases: list[dict | list], header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    return write_csv(path, as_rows(cases, header), header, encoding)


def write_courts(path, courts=COURTS, header: list[str] = COURT_HEADER) -> Path:
    return write_csv(path, [list(c) for c in courts], header)


def write_xlsx(path, header: list[str], rows: list[list]) -> Path:
    """Cells as given: str, int, float, datetime.date/datetime (real Excel date cells), None."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return Path(path)


def run_ingest(cases_path, courts_path, db, rejects=None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m data ingest` exactly as spec/cli.md writes it."""
    cmd = [sys.executable, "-m", "data", "ingest", str(cases_path), "--courts", str(courts_path), "--db", str(db)]
    if rejects is not None:
        cmd += ["--rejects", str(rejects)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def ingest_cmd(cases_path, courts_path, db, rejects) -> list[str]:
    return [sys.executable, "-m", "data", "ingest", str(cases_path), "--courts", str(courts_path),
            "--db", str(db), "--rejects", str(rejects)]


def counts_from_stdout(out: str) -> tuple[int, int, int]:
    """(rows read, accepted, rejected) from the ingest summary line."""
    m = re.search(r"rows read (\d+) = accepted (\d+) \+ rejected (\d+)", out)
    assert m, out
    return tuple(int(g) for g in m.groups())


def read_rejects(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["row"] = int(r["row"])
    return rows


def query(db, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def stored_cases(db) -> dict[str, dict]:
    """Every stored case, by case_no, as a dict of all its columns (derived ones too)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("SELECT * FROM cases ORDER BY case_no")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}
    finally:
        con.close()


def sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def bilingual(text: str) -> bool:
    """A reason a clerk can read in Chinese and in English."""
    return bool(HAN.search(text)) and bool(LATIN_WORD.search(text))


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
TRUNCATED = re.compile(r"(\S+)…")
CASE_NO = re.compile(r"[（(]\d{4}[)）][^\s,;]*?号")  # a case number, e.g. (2026)示0101民初12号


def data_values(con) -> list[str]:
    """Every text a database holds that is shown as it is (names, divisions, case numbers and codes),
    longest first, so a check for Chinese can take them out of a page or a file first."""
    values = set()
    for sql in ("SELECT DISTINCT court_name FROM courts",
                "SELECT DISTINCT division FROM cases", "SELECT DISTINCT judge_name FROM cases",
                "SELECT DISTINCT case_type::VARCHAR FROM cases", "SELECT DISTINCT cause FROM cases",
                "SELECT DISTINCT closing_method::VARCHAR FROM cases", "SELECT DISTINCT procedure::VARCHAR FROM cases",
                "SELECT DISTINCT court_code::VARCHAR FROM courts",
                "SELECT DISTINCT judge_name FROM judge_list", "SELECT DISTINCT division FROM judge_list"):
        values |= {r[0] for r in con.execute(sql).fetchall() if r[0]}
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'court_data'").fetchone()[0]:
        values |= {r[0] for r in con.execute("SELECT DISTINCT source FROM court_data").fetchall() if r[0]}  # file names
    return sorted(values, key=len, reverse=True)


def user_texts(state_path: str) -> list[str]:
    """Every text users wrote into the state at `state_path` (meeting names and minutes, items'
    notes, progress and closing notes, notes on figures): shown as written in either language."""
    import pytest

    from followup import store

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPZX_STATE", state_path)
        mp.delenv("SPZX_STATE_URL", raising=False)
        texts = {m.name for m in store.meetings()} | {m.minutes for m in store.meetings()}
        for i in store.items():
            texts |= {i.meeting, i.note, i.close_note or ""} | {p.text for p in i.progress}
        texts |= {n.text for n in store.notes()}
    return sorted((t for t in texts if t), key=len, reverse=True)


def chinese_left(text: str, values: list[str]) -> list[str]:
    """The lines of text that still hold Chinese once the data values are taken out."""
    out = []
    for line in text.splitlines():
        rest = CASE_NO.sub("", line)
        # a chart shortens a long name to its first characters and "…"
        rest = TRUNCATED.sub(lambda m: "" if any(v.startswith(m[1]) for v in values) else m[0], rest)
        for v in values:
            if v in rest:
                rest = rest.replace(v, "")
        if CJK.search(rest):
            out.append(line)
    return out


def demo_roles() -> dict[str, str]:
    """The shipped demo users by role (role -> user name): the users the page tests sign in as."""
    from security.users import load_users

    out: dict[str, str] = {}
    for u in load_users().users.values():
        if u.demo:
            out.setdefault(u.access.role, u.username)
    return out


def crafted_xlsx(path, kind: str) -> Path:
    """Workbooks made to hurt a reader: "far" (cells at A1 and XFD1048576: 4.8 KB that would
    unpack into 17 billion cells) or "bomb" (300 MB of rows packed into under 1 MB)."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "案号"
    if kind == "far":
        wb.active["XFD1048576"] = "x"
        wb.save(path)
        return Path(path)
    if kind == "far-quoted":  # the far cell written as other writers may: attribute order, single quotes
        wb.active["XFD1048576"] = "x"
        wb.save(path)
        _rewrite_sheet(path, lambda xml: xml.replace(b'<c r="XFD1048576" t="inlineStr">', b"<c t='inlineStr' r='XFD1048576'>")
                       .replace(b'<c r="XFD1048576" t="s">', b"<c t='s'  r = 'XFD1048576'>")
                       .replace(b'<row r="1048576"', b"<row r='1048576'").replace(b'ref="A1:XFD1048576"', b'ref="A1"'))
        return Path(path)
    base = Path(str(path) + ".base.xlsx")
    wb.save(base)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, data)
                continue
            head, rest = data.split(b"<sheetData>")
            with out.open(item.filename, "w", force_zip64=True) as w:
                w.write(head + b"<sheetData>")
                block = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
                for _ in range(300_000_000 // len(block)):
                    w.write(block)
                w.write(b"</sheetData>" + rest.split(b"</sheetData>")[1])
    base.unlink()
    return Path(path)


def _rewrite_sheet(path, change) -> None:
    import zipfile

    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                new = change(data)
                assert new != data, "the sheet was not rewritten"
                data = new
            out.writestr(info, data)


_CARD = re.compile(r'<div class="spzx-label"><span>(.*?)</span>.*?<div class="spzx-value">(.*?)</div>', re.S)


def headline_figures(at) -> dict[str, str]:
    """The figures a page shows as metrics or as indicator cards (one HTML block): label -> value."""
    import html

    figures = {m.label: m.value for m in at.metric}
    for block in at.html:
        figures.update({html.unescape(label): html.unescape(value) for label, value in _CARD.findall(block.value)})
    return figures
