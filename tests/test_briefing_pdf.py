"""The briefing as PDF (report/pdf.py) as poppler reads it: A4, every font embedded, the text
extractable with the title, scope, filters, data date and the headline figures as the Word file
prints them, page numbers, table rows never split and headers repeated, charts drawn as vectors,
data text printed literally. One demo and one PDF per language, made once per module."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from metrics import Period, Scope
from report import frozen, pdf
from report.briefing import build, headline_rows
from tests.test_metrics_identities import ROOT

PERIOD = Period.parse("2026Q3", cumulative=True)
SCOPES = {"zh": Scope(court="示", with_subordinates=True), "en": Scope(court="示01", with_subordinates=True)}
A4 = (595.3, 841.9)


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _flat(text: str) -> str:
    return "".join(text.split())  # pdftotext spaces CJK from digits as it likes


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", path, "--cases", "30000", "--quiet"],
                   cwd=ROOT, check=True)
    return path


@pytest.fixture(scope="module")
def made(db, tmp_path_factory):
    """Per language: the briefing and its PDF's path."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    con = duckdb.connect(db, read_only=True)
    with pytest.MonkeyPatch.context() as mp:  # an empty application state: no meeting yet
        mp.setenv("SPZX_STATE", str(folder / "state.sqlite"))
        mp.delenv("SPZX_STATE_URL", raising=False)
        for lang, scope in SCOPES.items():
            b = build(con, scope, PERIOD, lang=lang)
            path = folder / f"{lang}.pdf"
            path.write_bytes(pdf.to_pdf(b))
            out[lang] = (b, path)
    con.close()
    return out


def _sizes(path) -> list[tuple[float, float]]:
    info = _run("pdfinfo", "-f", "1", "-l", "999", str(path))
    return [(float(m[0]), float(m[1])) for m in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a4_fonts_embedded_and_no_raster_charts(made, lang):
    _b, path = made[lang]
    sizes = _sizes(path)
    assert len(sizes) > 3
    assert abs(sizes[0][0] - A4[0]) <= 1 and abs(sizes[0][1] - A4[1]) <= 1, sizes[0]
    for w, h in sizes:  # portrait, or landscape for the wide units table
        assert sorted((round(w, 1), round(h, 1))) == pytest.approx(sorted(A4), abs=1), (w, h)
    assert any(w > h for w, h in sizes)  # the units table on a landscape page
    fonts = _run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and any("CJK" in line for line in fonts)
    for line in fonts:  # name type encoding emb sub uni object ID: the three flags from the right
        assert line.split()[-5] == "yes", line
    images = _run("pdfimages", "-list", str(path)).splitlines()[2:]
    assert images == []  # the charts are vectors (SVG), sharp at any zoom


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_holds_title_scope_filters_date_figures_and_page_numbers(made, lang):
    b, path = made[lang]
    text = _run("pdftotext", "-layout", str(path), "-")  # lines as laid out: a table's row on its line
    flat = _flat(text)
    assert _flat(b.title) in flat
    assert _flat(b.tr("b_scope_line", scope=b.scope_name, period=b.period_text, day=b.data_date.isoformat())) in flat
    for name, value in b.filters.items():  # the filters table: each filter beside its value
        assert _flat(f"{name}{value}") in flat, (name, value)
    assert b.data_date.isoformat() in text
    rows = headline_rows(b)
    plain = _flat(_run("pdftotext", str(path), "-"))
    for row in rows[:8]:  # each indicator's value beside its change as headline_rows writes them (a name may wrap)
        assert _flat(row[1] + row[2]) in flat and _flat(row[0]) in plain, row
    pages = text.count("\f")
    if lang == "zh":
        assert "第1页/共" in flat and f"第{pages}页/共{pages}页" in flat
    else:
        assert "Page 1 of" in text and f"Page {pages} of {pages}" in text
    if b.demo:
        assert _flat(b.tr("b_demo")) in flat
    chart_title = b.tr("b_chart_flow", year="2026")
    assert _flat(chart_title) in flat  # the chart's labels are text in a CJK face, not boxes


def test_the_english_pdf_has_no_chinese_outside_data_values(made, db):
    from tests.helpers import chinese_left, data_values

    _b, path = made["en"]
    con = duckdb.connect(db, read_only=True)
    try:
        text = re.sub(r"\s*Page \d+ of \d+\s*", "\n", _run("pdftotext", str(path), "-"))  # a page's foot
        text = re.sub(r"(?<=[\u4e00-\u9fff])\s*\n\s*(?=[\u4e00-\u9fff（）])", "", text)  # a name broken at a line's end
        assert chinese_left(text, data_values(con)) == []
    finally:
        con.close()


def test_rows_are_never_split_and_headers_repeat(made, tmp_path):
    """A long table of rows three lines tall: each row's first and last words on one page, the
    header on every page the table reaches; and the briefing's own CSS asks for it."""
    b, _path = made["zh"]
    style = pdf.to_html(b, "")
    assert "tr { break-inside: avoid; }" in style and "thead { display: table-header-group; }" in style
    rows = [[f"起{i:03d}" + "审判质效数据" * 12 + f"止{i:03d}", f"{i:,}件", "—"] for i in range(90)]
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf.to_pdf(b, pdf.table(["表头甲", "表头乙", "表头丙"], rows)))
    pages = _run("pdftotext", str(path), "-").split("\f")[:-1]
    assert len(pages) > 3
    for i in range(90):
        on = [n for n, p in enumerate(pages) if f"起{i:03d}" in _flat(p)]
        assert len(on) == 1 and f"止{i:03d}" in _flat(pages[on[0]]), i
    assert all("表头甲" in p for p in pages)


def test_the_units_table_over_pages_keeps_its_header(made, tmp_path):
    """The units table as the briefing prints it, made long (its units four times over)."""
    b, _path = made["zh"]
    many = pd.concat([b.units.assign(name=b.units["name"].astype(str) + f"（{k}）") for k in range(4)],
                     ignore_index=True)
    path = tmp_path / "units.pdf"
    path.write_bytes(pdf.to_pdf(replace(b, units=many)))
    pages = _run("pdftotext", "-layout", str(path), "-").split("\f")
    names = set(many["name"].unique())
    row = lambda line: len(line.split()) > 5 and line.split()[0] in names  # noqa: E731  (a unit's row)
    holding = [p for p in pages if any(row(line) for line in p.splitlines())]  # not the chart's page
    assert len(holding) >= 3
    header = b.tr(f"child_{b.child}")
    for p in holding:  # each page of the table starts with its header row
        first = next(line for line in p.splitlines() if line.strip() and not line.strip().startswith("四、"))
        assert first.split()[0] == header, first
    rows = [line.split()[0] for p in holding for line in p.splitlines() if row(line)]
    assert sorted(rows) == sorted(names)  # each unit's row once, on one line: its name and its figures together


def test_data_and_user_text_prints_literally(made, tmp_path):
    b, _path = made["zh"]
    name = "<b>&amp;示范</b>"
    units = b.units.assign(name=b.units["name"].astype(str).where(b.units["name"] != b.units["name"].iloc[0], name))
    odd = replace(b, title="会商<b>&</b>报告", units=units, summary="总结 <i>&lt;原文</i>")
    html = pdf.to_html(odd)
    assert "<b>&" not in html and "&lt;b&gt;&amp;amp;示范&lt;/b&gt;" in html
    path = tmp_path / "odd.pdf"
    path.write_bytes(pdf.to_pdf(odd))
    flat = _flat(_run("pdftotext", str(path), "-"))
    assert "会商<b>&</b>报告" in flat and name in flat and "总结<i>&lt;原文</i>" in flat


def test_the_page_download_prints_the_briefing_as_kept(made, tmp_path):
    """The 会商报告 page's PDF (ui/queries.frozen_file, kind "pdf") from the briefing kept as JSON:
    the same page as the live briefing's."""
    from ui import queries

    b, _path = made["zh"]
    kept = frozen.dumps(b)
    assert pdf.to_html(frozen.loads(kept)) == pdf.to_html(b)
    path = tmp_path / "page.pdf"
    path.write_bytes(queries.frozen_file(kept, "pdf"))
    assert _flat(b.title) in _flat(_run("pdftotext", str(path), "-"))


def test_command_line_writes_the_pdf(db, tmp_path):
    out = tmp_path / "b.pdf"
    p = subprocess.run([sys.executable, "-m", "report", "briefing", "--db", db, "--period", "2026Q3", "--court", "示01",
                        "--pdf", str(out)], cwd=ROOT, capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k != "SPZX_STATE_URL"}
                       | {"SPZX_STATE": str(tmp_path / "state.sqlite")})
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(b"%PDF") and _sizes(out)
    none = subprocess.run([sys.executable, "-m", "report", "briefing", "--db", db, "--period", "2026Q3"],
                          cwd=ROOT, capture_output=True, text=True)
    assert none.returncode == 2 and "--pdf" in none.stderr and "Traceback" not in none.stderr
