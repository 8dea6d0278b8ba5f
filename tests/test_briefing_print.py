"""The Word briefing as a court office prints it: what the .docx asks for (A4, 公文 margins, the
faces by East Asian name, headings kept with what follows, rows never split) and what LibreOffice
makes of it (an A4 PDF with CJK text embedded, the title, no "-0.00"). Converted once per module."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from metrics import Period, Scope
from present import format as fmt
from report import word
from report.briefing import build, short_text, to_docx
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)

PERIOD = Period.parse("2026Q3", cumulative=True)
SCOPE = Scope(court="示", with_subordinates=True)
MINUS_ZERO = re.compile(r"(?<![\d.])-0(?:\.0+)?(?![\d.])")  # -0, -0.0, -0.00, not -0.26
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def briefing(demo, tmp_path_factory):  # noqa: F811
    with pytest.MonkeyPatch.context() as mp:  # an empty application state: no meeting yet
        mp.setenv("SPZX_STATE", str(tmp_path_factory.mktemp("state") / "state.sqlite"))
        mp.delenv("SPZX_STATE_URL", raising=False)
        return build(demo, SCOPE, PERIOD)


@pytest.fixture(scope="module")
def docx_bytes(briefing):
    return to_docx(briefing)


@pytest.fixture(scope="module")
def pdf(docx_bytes, tmp_path_factory):
    """The briefing converted by LibreOffice (its own profile: another soffice may be running)."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is not installed (./test.sh installs it as root)")
    folder = tmp_path_factory.mktemp("print")
    source = folder / "briefing.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    return folder / "briefing.pdf"


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def test_pdf_is_a4_with_cjk_text_the_title_and_no_negative_zero(pdf, briefing):
    info = _run("pdfinfo", str(pdf))
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    width, height = float(size[2]), float(size[4])
    assert abs(width - 595.3) <= 1 and abs(height - 841.9) <= 1, info
    fonts = _run("pdffonts", str(pdf))
    assert any("CJK" in line and " yes " in line for line in fonts.splitlines()[2:]), fonts
    text = _run("pdftotext", str(pdf), "-")
    assert "".join(briefing.title.split()) in "".join(text.split())  # pdftotext spaces CJK from digits
    assert not MINUS_ZERO.findall(text)


def _style(document, name):
    return document.styles[name].element


def test_docx_asks_for_the_office_faces_by_east_asian_name(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    east_asia = lambda name: _style(document, name).rPr.rFonts.get(qn("w:eastAsia"))  # noqa: E731
    assert east_asia("Normal") == "FangSong_GB2312"
    assert east_asia("Heading 1") == east_asia("Heading 2") == "黑体"
    assert east_asia("Title") == "方正小标宋简体"
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):  # a theme face would win over the name
        assert _style(document, name).rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    assert document.styles["Normal"].font.size.pt == 16  # 三号
    # the fallback each 公文 face names in the font table: the face every Chinese Windows has
    fonts = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/fontTable.xml").decode()
    assert 'w:name="FangSong_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert 'w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_docx_pages_are_a4_with_office_margins_headings_kept_rows_whole(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    for section in document.sections:  # portrait and the landscape units section alike
        assert sorted([round(section.page_width.mm), round(section.page_height.mm)]) == [210, 297]
    first = document.sections[0]
    assert (round(first.top_margin.mm), round(first.bottom_margin.mm), round(first.left_margin.mm),
            round(first.right_margin.mm)) == (37, 35, 28, 26)
    assert document.styles["Heading 1"].paragraph_format.keep_with_next
    assert document.styles["Heading 2"].paragraph_format.keep_with_next
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(f"{W}cantSplit") is not None


def test_names_column_is_wider_than_each_figure_column(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
        if len(grid) > 2:
            assert grid[0] >= max(grid[1:]), grid


def test_a_figure_that_rounds_to_zero_reads_zero_never_minus_zero(briefing):
    assert fmt.signed(-0.0001) == "0.00" and fmt.signed(-0.004, 2) == "0.00"
    assert fmt.signed(-0.3, 0, grouping=True) == "0" and fmt.signed(-1234.5, 0, grouping=True) == "-1,234"
    assert fmt.signed(0.126) == "+0.13" and fmt.signed(-0.126) == "-0.13"
    short = next(s for s in briefing.short if len(s.furthest) and len(s.movers))
    tiny = replace(short, furthest=short.furthest.assign(pull=-0.0001),
                   movers=short.movers.assign(contribution=-0.001))
    for lang in ("zh", "en"):
        text = short_text(tiny, lang)
        assert not MINUS_ZERO.findall(text) and "+0.00" not in text, text
    assert "影响0.00" in short_text(tiny, "zh")


def test_table_text_is_smaller_than_the_body_and_pictures_fit_the_page(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    cell = document.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    assert cell.font.size.pt <= word.TABLE_PT
    portrait = document.sections[0]
    usable = portrait.page_width - portrait.left_margin - portrait.right_margin
    assert document.inline_shapes and all(shape.width <= max(usable, Cm(16)) for shape in document.inline_shapes)
    assert document.inline_shapes[0].width <= usable  # the flow chart, on the portrait page
