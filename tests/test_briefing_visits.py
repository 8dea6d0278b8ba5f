"""The briefing's section 访源治理 and the revision indicators on worked-example-v3: the .docx and
.xlsx opened and held to the metrics API; a database without a visits list says so; no
petitioner is ever named."""
from __future__ import annotations

import io
import re

import duckdb
import openpyxl
import pytest
from docx import Document

from metrics import Period, Scope
from metrics.api import indicator_table
from metrics.catalogue import BY_ID
from present import format as fmt
from report.briefing import HEADLINE, build, to_docx, to_xlsx
from report.visits_section import IDS
from tests.test_teams_metrics import v3_db  # noqa: F401  (fixture)
from tests.test_visit_drill import visits_db  # noqa: F401  (fixture)

PERIOD = Period.parse("2025")
REVISION = ["retrial_reverse_remand_ratio", "retrial_application_rate", "auto_performance_rate"]


@pytest.fixture(autouse=True)
def empty_state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)


def _briefing(db, lang="zh", scope=Scope()):
    with duckdb.connect(str(db), read_only=True) as con:
        b = build(con, scope, PERIOD, lang=lang)
        table = indicator_table(con, PERIOD.to_date(b.data_date), scope).set_index("indicator")
    return b, table


def _text(doc) -> str:
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def _section(doc, title: str) -> tuple[list[str], list]:
    """The paragraphs and tables after the heading `title` (to the next heading)."""
    paras, tables, inside = [], [], False
    for block in doc.iter_inner_content():
        if hasattr(block, "rows"):
            if inside:
                tables.append(block)
        elif block.style.name.startswith(("Heading 1", "Title")):
            inside = block.text == title
        elif inside and block.text:
            paras.append(block.text)
    return paras, tables


def test_revision_indicators_are_in_the_headline_table(visits_db):  # noqa: F811
    assert set(REVISION) <= set(HEADLINE)
    b, table = _briefing(visits_db)
    doc = Document(io.BytesIO(to_docx(b)))
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[0].rows}
    for ind_id in REVISION:
        ind = BY_ID[ind_id]
        assert rows[ind.zh][1] == fmt.value(ind, table.loc[ind_id, "value"])
        assert rows[ind.zh][2] == fmt.change(ind, table.loc[ind_id, "yoy_change"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_visits_section_holds_the_figures(visits_db, lang):  # noqa: F811
    b, table = _briefing(visits_db, lang)
    assert b.visits.listed
    doc = Document(io.BytesIO(to_docx(b)))
    paras, tables = _section(doc, b.tr("b_visits"))
    # the indicators with 同比 and 达标, each as the metrics API gives it
    rows = [[c.text for c in r.cells] for r in tables[0].rows]
    assert [r[0] for r in rows[1:]] == [BY_ID[i].name(lang) for i in IDS]
    for ind_id, row in zip(IDS, rows[1:]):
        ind = BY_ID[ind_id]
        assert row[1] == fmt.value(ind, table.loc[ind_id, "value"], lang)
        assert row[2] == fmt.change(ind, table.loc[ind_id, "yoy_change"], lang)
    # received, pending over 60 days and the repeat petitioners (counted) in the text: the period runs
    # Jan–Nov (data to 2025-12-30), so of README's two 2025 repeats only P47279's (07-03) is in it
    assert b.period_text.startswith(("2025年1—11月", "2025 Jan–Nov"))
    line = paras[0]
    assert fmt.value(BY_ID["visits_received"], table.loc["visits_received", "value"], lang) in line
    assert fmt.value(BY_ID["visits_overdue"], table.loc["visits_overdue", "value"], lang) in line
    assert b.visits.repeaters == 1 and re.search(r"(?<![\d.])1(?![\d.])", line.split("；" if lang == "zh" else ";")[-1])
    # the units furthest from a range: each outside it on the worse side, from the by-court table
    far = tables[1]
    assert len(far.rows) - 1 == len(b.visits.far) > 0
    with duckdb.connect(str(visits_db), read_only=True) as con:
        by_court = indicator_table(con, PERIOD.to_date(b.data_date), Scope(), "court", IDS).set_index(
            ["name", "indicator"])
    for r in b.visits.far.to_dict("records"):
        unit = by_court.loc[(r["name"], r["indicator"])]
        assert unit["value"] == pytest.approx(r["value"])
        lower_better = BY_ID[r["indicator"]].direction.value == "lower"
        assert unit["value"] > unit["high"] if lower_better else unit["value"] < unit["low"]


def test_no_petitioner_is_named(visits_db):  # noqa: F811
    with duckdb.connect(str(visits_db), read_only=True) as con:
        ids = {r[0] for r in con.execute("SELECT petitioner_id FROM visits").fetchall()}
    for lang in ("zh", "en"):
        b, _ = _briefing(visits_db, lang)
        text = _text(Document(io.BytesIO(to_docx(b))))
        wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(b)))
        cells = "\n".join(str(c) for ws in wb for row in ws.values for c in row if c is not None)
        assert not [i for i in ids if i in text or i in cells]


def test_the_excel_sheets_match(visits_db):  # noqa: F811
    b, table = _briefing(visits_db)
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(b)))
    assert "访源治理" in wb.sheetnames and "访源治理·各法院" in wb.sheetnames
    rows = list(wb["访源治理"].values)
    assert rows[0][:2] == ("指标", "数值")
    values = {r[0]: r[1] for r in rows[1:]}
    for ind_id in IDS:
        assert values[BY_ID[ind_id].zh] == pytest.approx(fmt.excel_value(BY_ID[ind_id], table.loc[ind_id, "value"]))
    assert values["重复信访人数"] == 1
    assert wb["访源治理"].cell(row=2, column=2).number_format == fmt.excel(BY_ID[IDS[0]], "zh")
    far = list(wb["访源治理·各法院"].values)
    assert len(far) - 1 == len(b.visits.far)
    overall = {r[0]: r[1] for r in list(wb["总体情况"].values)[1:]}
    for ind_id in REVISION:
        assert overall[BY_ID[ind_id].zh] == pytest.approx(fmt.excel_value(BY_ID[ind_id], table.loc[ind_id, "value"]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_a_visits_list_the_section_says_so(v3_db, lang):  # noqa: F811
    b, _ = _briefing(v3_db, lang)
    assert not b.visits.listed
    doc = Document(io.BytesIO(to_docx(b)))
    paras, tables = _section(doc, b.tr("b_visits"))
    assert paras == [b.tr("b_no_visits")] and tables == []
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(b)))
    sheet = b.tr("b_sheet_visits")
    assert list(wb[sheet].values)[1] == (b.tr("b_no_visits"),)
    assert b.tr("b_sheet_visits_far", child=b.tr("child_court")) not in wb.sheetnames


def test_a_frozen_briefing_keeps_its_visits_section(visits_db):  # noqa: F811
    from report.frozen import dumps, loads

    b, _ = _briefing(visits_db)
    again = loads(dumps(b))
    assert again.visits.listed and again.visits.repeaters == b.visits.repeaters
    assert to_docx(again)  # rebuilt into Word
