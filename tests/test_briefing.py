"""The briefing: open the generated .docx and .xlsx and check them against the metrics API."""
from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pytest
from docx import Document

from metrics import Period, Scope
from metrics.api import indicator_table
from metrics.catalogue import BY_ID
from report.briefing import HEADLINE, UNIT_COLUMNS as HEADLINE_UNITS, build, to_docx, to_xlsx
from tests.test_metrics_identities import ROOT, demo  # noqa: F401  (fixture)
from present import format as fmt

PERIOD = Period.parse("2026Q3", cumulative=True)
SCOPE = Scope(court="示", with_subordinates=True)


@pytest.fixture(autouse=True)
def empty_state(tmp_path, monkeypatch):
    """Each test's own application state (no meeting), whatever the shell's is."""
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)


@pytest.fixture(scope="module")
def briefing(demo, tmp_path_factory):  # noqa: F811
    with pytest.MonkeyPatch.context() as mp:  # an empty application state: no meeting yet
        mp.setenv("SPZX_STATE", str(tmp_path_factory.mktemp("state") / "state.sqlite"))
        mp.delenv("SPZX_STATE_URL", raising=False)
        return build(demo, SCOPE, PERIOD)


@pytest.fixture(scope="module")
def document(briefing):
    return Document(io.BytesIO(to_docx(briefing)))


def test_headings_and_title(document):
    heads = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading 1", "Title"))]
    assert heads == ["示范省高级人民法院辖区2026年前三季度审判质效数据会商报告", "一、上次会商确定事项落实情况",
                     "二、总体情况", "三、未达标指标及主要影响单位", "四、各法院对比", "五、节点管控预警", "六、年末预测",
                     "七、综合评估", "八、审判管理", "九、访源治理"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "数据截至：2026-09-30" in text and "虚构" in text


def test_headline_table_matches_the_metrics(demo, document):  # noqa: F811
    table = indicator_table(demo, PERIOD, SCOPE).set_index("indicator")
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[0] == ["指标", "本期", "同比", "合理区间", "评价"]
    assert [r[0] for r in rows[1:]] == [BY_ID[i].zh for i in HEADLINE]
    for ind_id, row in zip(HEADLINE, rows[1:]):
        ind = BY_ID[ind_id]
        assert row[1] == fmt.value(ind, table.loc[ind_id, "value"])
        assert row[2] == fmt.change(ind, table.loc[ind_id, "yoy_change"])


def test_every_indicator_outside_its_range_has_a_section(demo, document):  # noqa: F811
    table = indicator_table(demo, PERIOD, SCOPE)
    short = table[table["status"].isin(["above", "below"]) & (table["side"] != "better")]
    sections = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert sections == [BY_ID[i].zh for i in short["indicator"]]
    assert len(sections) > 0
    first = short.iloc[0]
    body = next(p.text for p in document.paragraphs if p.text.startswith(BY_ID[first["indicator"]].zh + "为"))
    assert fmt.value(BY_ID[first["indicator"]], first["value"]) in body and "影响最大的单位" in body


def test_unit_table_and_warnings_match(demo, briefing, document):  # noqa: F811
    units = [[c.text for c in r.cells] for r in document.tables[1].rows]
    assert units[0][0] == "法院" and len(units) - 1 == briefing.units["name"].nunique()
    by_court = indicator_table(demo, PERIOD, SCOPE, "court", ["received"]).set_index("name")["value"]
    for row in units[1:]:
        assert row[1] == fmt.value(BY_ID["received"], by_court[row[0]])
    warns = [[c.text for c in r.cells] for r in document.tables[2].rows]
    total_past = sum(int(r[1].replace(",", "")) for r in warns[1:])
    assert total_past == int(briefing.warnings["past_limit"].sum()) > 0
    assert len(document.inline_shapes) == 2  # the 收结存 chart and the unit bars, as images


def test_outlook_text_uses_the_projection(briefing, document):
    text = "\n".join(p.text for p in document.paragraphs)
    o = briefing.outlook
    assert f"预计全年新收{fmt.count(o['received_projected'])}" in text
    assert f"每月{o['needs']['clearance_ratio']['per_month']:,}件" in text


def test_excel_pack_has_a_sheet_per_level(briefing):
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(briefing)))
    # the demo holds a visits list: its units furthest from range have their sheet too
    assert wb.sheetnames == ["总体情况", "各法院", "未达标指标", "节点管控", "综合评估", "审判管理", "院庭长办案", "访源治理",
                             "访源治理·各法院", "整改台账", "筛选条件"]
    filters = dict(list(wb["筛选条件"].values)[1:])
    assert filters["数据截至"] == "2026-09-30" and filters["期间"] == "2026年前三季度" and filters["仅涉企案件"] == "否"
    assert wb["各法院"].max_row - 1 == briefing.units["name"].nunique()


def test_excel_pack_holds_numbers_in_their_units(briefing):
    """Numbers are numbers (a sum works in Excel), shown in the indicator's unit by a number format."""
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(briefing)))
    overall = wb["总体情况"]
    header = [c.value for c in overall[1]]
    assert header == ["指标", "数值", "上年同期", "同比", "区间下限", "区间上限", "状态"]
    rows = {r[0].value: r for r in overall.iter_rows(min_row=2)}
    rate = rows["审限内结案率"]
    expected = briefing.headline.set_index("indicator").loc["within_limit_rate"]
    assert rate[1].value == pytest.approx(expected["value"]) and rate[1].number_format == "0.00%"
    assert rate[3].value == pytest.approx(expected["yoy_change"]) and "个百分点" in rate[3].number_format
    count = rows["已结"]
    assert isinstance(count[1].value, int | float) and count[1].number_format == '#,##0"件"'
    assert count[3].number_format.startswith("+0.0%")  # a count's change is relative, not in points
    units = wb["各法院"]
    assert all(isinstance(c.value, int | float) for row in units.iter_rows(min_row=2, min_col=2) for c in row
               if c.value is not None)
    warned = wb["节点管控"]
    assert all(isinstance(c.value, int) for row in warned.iter_rows(min_row=2, min_col=2) for c in row)
    for ws in wb:  # printed one page wide, landscape, the header on every page
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$1:$1"


def test_command_line(demo, tmp_path):  # noqa: F811
    db = demo.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    out, xlsx = tmp_path / "b.docx", tmp_path / "b.xlsx"
    p = subprocess.run([sys.executable, "-m", "report", "briefing", "--db", db, "--period", "2026Q3", "--cumulative",
                        "--court", "示01", "--with-subordinates", "--out", str(out), "--xlsx", str(xlsx)],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert Document(str(out)).paragraphs[0].text.startswith("明湖市中级人民法院辖区2026年前三季度")
    bad = subprocess.run([sys.executable, "-m", "report", "briefing", "--db", db, "--period", "2026Q9", "--out",
                          str(out)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_the_english_briefing_has_no_chinese_outside_data_values(demo):  # noqa: F811
    from tests.helpers import chinese_left, data_values

    b = build(demo, Scope(court="示01", with_subordinates=True), PERIOD, lang="en")
    doc = Document(io.BytesIO(to_docx(b)))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert b.title.startswith("Trial quality data meeting briefing: ") and "2026 Q1–Q3" in b.title
    assert "2. Overall" in text and "6. Year-end outlook" in text
    assert chinese_left(text, data_values(demo)) == []
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(b)))
    assert wb.sheetnames == ["Overall", "Courts", "Outside range", "Warnings", "Assessment", "Management",
                             "Leaders' cases", "Letters and visits", "Visits by Court", "Action items", "Filters"]
    cells = "\n".join(str(c) for ws in wb for row in ws.values for c in row if c is not None)
    assert chinese_left(cells, data_values(demo)) == []


def test_word_tables_read_on_paper(briefing, document):
    """Headers repeat on every page, rows are never split, the wide table is on a landscape page,
    courts come in their hierarchy (the high court first), shortfalls are marked."""
    from docx.oxml.ns import qn

    for table in document.tables:
        first = table.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    units = next(t for t in document.tables if t.rows[0].cells[0].text == "法院")
    landscape = [s for s in document.sections if s.page_width > s.page_height]
    assert landscape and len(units.columns) >= 9
    names = [r.cells[0].text for r in units.rows[1:]]
    codes = dict(zip(briefing.units["name"].astype(str), briefing.units["court_code"]))
    assert names[0] == "示范省高级人民法院" and [codes[n] for n in names] == sorted(codes[n] for n in names)
    marked = [(r.cells[0].text, c.text) for r in units.rows[1:] for c in r.cells[1:]
              if any(run.bold and run.font.color.rgb is not None for run in c.paragraphs[0].runs)]
    short = briefing.units[briefing.units["status"].isin(["above", "below"]) & (briefing.units["side"] != "better")
                           & briefing.units["indicator"].isin(HEADLINE_UNITS)]
    assert len(marked) == len(short) > 0


def test_shortfalls_name_units_furthest_now_and_movers_with_units(briefing):
    from report.briefing import short_text

    within = next(s for s in briefing.short if s.indicator == "within_limit_rate")
    text = short_text(within)
    assert "目前距区间最远的单位：" in text and "与上年同期相比，变动影响最大的单位：" in text
    worst = within.furthest.iloc[0]
    assert worst["value"] < within.row["low"] and f"{worst['value'] * 100:.2f}%" in text
    assert text.count("个百分点") >= 4
    days = next((s for s in briefing.short if BY_ID[s.indicator].unit == "天"), None)
    if days is not None:
        assert "天）" in short_text(days)


def test_assessment_and_management_sections_match_the_metrics(demo, briefing, document):  # noqa: F811
    from metrics.management import four_types_cases, leader_caseload
    from metrics.score import assessment

    units, _ = assessment(demo, PERIOD, "court", SCOPE)
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    scored = next(t for t in tables if t[0][:4] == ["法院", "综合得分", "上年同期", "较上年同期"])
    assert [r[0] for r in scored[1:]] == list(units["name"])  # best first
    for row, unit in zip(scored[1:], units.to_dict("records")):
        assert row[1] == f"{unit['composite']:.1f}"
        assert row[3].startswith(f"{unit['change']:+.1f}") and row[3].endswith("（进位）" if unit["change"] > 0 else "（退位）")
    text = "\n".join(p.text for p in document.paragraphs)
    up = int((units["change"] > 0).sum())
    assert f"进位{up}个、退位{len(units) - up}个" in text.replace(" ", "")
    managed = next(t for t in tables if t[1:] and t[1][0] == "简转普率")
    values = indicator_table(demo, PERIOD, SCOPE).set_index("indicator")["value"]
    assert [r[0] for r in managed[1:]] == ["简转普率", "年初积案化解率", "院庭长办案占比", "四类案件阅核率"]
    assert managed[1][1] == fmt.value(BY_ID["procedure_change_rate"], values["procedure_change_rate"])
    leaders = leader_caseload(demo, PERIOD, SCOPE)
    assert f"院庭长共{len(leaders)}人" in text.replace(" ", "")
    four = four_types_cases(demo, PERIOD, SCOPE)
    assert f"四类案件{len(four)}件" in text.replace(" ", "")
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(briefing)))
    assert [r[0] for r in list(wb["综合评估"].values)[1:]] == list(units["name"])
    assert sum(r[4] for r in list(wb["院庭长办案"].values)[1:]) == leaders["closed"].sum()


def test_each_shortfall_names_the_division_that_owns_it(briefing, document):
    from metrics.ownership import load

    owners = load()
    assert briefing.short and all(s.owner == owners.owner(s.indicator, "示") for s in briefing.short)
    owned = [s for s in briefing.short if s.owner]
    assert owned
    text = "\n".join(p.text for p in document.paragraphs)
    for s in owned:
        assert f"认领部门：{s.owner}。" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_word_sections_follow_the_section_list(demo, briefing, document, lang):  # noqa: F811
    """The list the page's preview draws (report.briefing.SECTIONS) is the Word file's sections, in order."""
    from report.briefing import SECTIONS, section_title

    b = briefing if lang == "zh" else build(demo, SCOPE, PERIOD, lang="en")
    doc = document if lang == "zh" else Document(io.BytesIO(to_docx(b)))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [section_title(b, s) for s in SECTIONS]
