"""会商闭环 walked as the trial-management office runs it, in a browser on the real server, its
own case database and application state:

1. a court's data to 2026-06-30 is imported (the demo province's cases as its case system would
   have exported them on that day);
2. at the Q2 meeting the office marks two shortfalls as action items in one click — 湖滨区法院's
   超12个月未结案件占比 from 态势总览, its 民一庭's 简转普率 from 对比分析 — and notes March on the
   trend chart; both items stand on 整改台账 with the status the command line gives;
3. the data to 2026-09-30 is imported on the 数据导入 page: each item's value now and status
   follow it, as `python -m report actions list` and `python -m metrics` say;
4. the Q3 meeting issues its briefing: the Word file, opened in LibreOffice and converted to
   PDF, reports both items (value then, value now, status) and the note in its indicator's analysis;
5. the head of 民一庭 reports progress on the division's item and cannot close it;
6. a judge of 民一庭 reads it, with no form;
7. the big screen's 整改事项 view shows both items.
Screenshots and the briefing's first pages go to $SPZX_LOOP_SHOTS (default /tmp/loop_shots)."""
from __future__ import annotations

import csv
import datetime as dt
import glob
import io
import os
import re
import shutil
import subprocess
import sys
from urllib.parse import quote

import duckdb
import pytest

from metrics.catalogue import BY_ID
from present import format as fmt
from present.text import tr
from schema import codes
from tests.browser.conftest import LOCAL_PASSWORD, ROOT, _users_file, shot, start_server, stop_server, wait_ready
from tests.browser.test_followup_views import _hover_note, choose_note_month, save_note
from tests.browser.test_pages import _screen_view

SHOTS = os.environ.get("SPZX_LOOP_SHOTS", "/tmp/loop_shots")
COURT, DIVISION, JUDGE = "示0101", "民一庭", "J0101008"  # 明湖市湖滨区人民法院, its 民一庭, a judge of it
COURT_ITEM, DIVISION_ITEM = "over12m_share", "procedure_change_rate"  # short of their range on 06-30
Q2_END, Q3_END = dt.date(2026, 6, 30), dt.date(2026, 9, 30)
Q2_MEETING, Q3_MEETING = "2026年上半年数据会商", "2026年前三季度数据会商"
NOTE = "3月系统切换，部分案件延后录入"
PROGRESS = "已逐案复核简转普案件，规范转换审批"
TODAY = dt.date.today()
NEXT_QUARTER = dt.date(TODAY.year + (TODAY.month > 9), 3 * ((TODAY.month - 1) // 3 + 1) % 12 + 1, 1)
DUE = NEXT_QUARTER - dt.timedelta(days=1)  # this quarter's last day (2026-12-31 in its last quarter): on the big screen

pytestmark = pytest.mark.skipif(TODAY <= Q3_END, reason="the data to 2026-09-30 holds dates after today")


def _snap(page, name: str, focus: str | None = None) -> None:
    """A screenshot for a person to look at (the test does not depend on it); `focus`: a selector
    scrolled into view first, as the page scrolls inside its own frame."""
    if focus:
        page.locator(focus).first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    os.makedirs(SHOTS, exist_ok=True)
    shutil.copy(shot(page, f"loop_{name}"), os.path.join(SHOTS, f"{name}.png"))


def _export(source: str, folder) -> dict[str, str]:
    """The demo's cases as a case system exports them: all of them (to 09-30), and as they stood
    on 06-30 — filed by then, closings and appeals after it not yet happened. With the court and
    judges lists."""
    columns = list(codes.CASE_COLUMNS)
    later = {"closed_date": "closed_date", "closing_method": "closed_date", "amount_recovered": "closed_date",
             "reviewed": "closed_date", "appeal_received_date": "appeal_received_date",
             "appeal_transferred_date": "appeal_transferred_date"}  # column → the date that must have come
    as_of = ", ".join(f"CASE WHEN {later[c]} <= DATE '{Q2_END}' THEN {c} END AS {c}" if c in later else c
                      for c in columns)
    files = {name: str(folder / f"{name}.csv") for name in ("q2", "q3", "courts", "judges")}
    with duckdb.connect(source, read_only=True) as con:
        con.execute(f"COPY (SELECT {as_of} FROM cases WHERE filed_date <= DATE '{Q2_END}' ORDER BY case_no) "
                    f"TO '{files['q2']}' (HEADER)")
        con.execute(f"COPY (SELECT {', '.join(columns)} FROM cases ORDER BY case_no) TO '{files['q3']}' (HEADER)")
        con.execute(f"COPY (SELECT {', '.join(codes.COURT_COLUMNS)} FROM courts) TO '{files['courts']}' (HEADER)")
        con.execute(f"COPY (SELECT {', '.join(codes.JUDGE_COLUMNS)} FROM judge_list) TO '{files['judges']}' (HEADER)")
    return files


def _users(folder) -> str:
    """The office (office) and 民一庭's head (clerk) of conftest, and a judge of 民一庭: local accounts,
    as a court's data is no demo."""
    from security.users import hash_password

    path = _users_file(str(folder))
    with open(path, "a", encoding="utf-8") as f:
        f.write(f'\n[users.judge]\nname = "向艳"\nrole = "judge"\ncourt = "{COURT}"\ndivision = "{DIVISION}"\n'
                f'judge_id = "{JUDGE}"\npassword_hash = "{hash_password(LOCAL_PASSWORD)}"\n')
    return path


@pytest.fixture(scope="module")
def court(tmp_path_factory):
    """A server on a court's database of its data to 06-30, with its own state; (url, db, files, users)."""
    folder = tmp_path_factory.mktemp("loop")
    source = str(folder / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", source, "--cases", "20000", "--quiet"],
                   cwd=ROOT, check=True)
    files = _export(source, folder)
    db = str(folder / "court.duckdb")
    out = subprocess.run([sys.executable, "-m", "data", "ingest", files["q2"], "--courts", files["courts"],
                          "--judges", files["judges"], "--db", db, "--through", Q2_END.isoformat(),
                          "--rejects", str(folder / "rejects_q2.csv")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "拒绝 0 " in out.stdout, out.stdout + out.stderr
    users = _users(folder)
    url, proc = start_server(db, "streamlit_followup_loop.log", users=users)
    yield url, db, files, users
    stop_server(proc)


def _env(db: str, users: str | None = None) -> dict:
    env = dict(os.environ, SPZX_STATE=os.path.join(os.path.dirname(db), "state.sqlite"))
    env.pop("SPZX_STATE_URL", None)
    if users:
        env["SPZX_USERS"] = users
    return env


def _actions_list(db: str) -> dict[str, dict]:
    """`python -m report actions list --format csv`, by indicator."""
    out = subprocess.run([sys.executable, "-m", "report", "actions", "list", "--db", db, "--format", "csv"], cwd=ROOT,
                         env=_env(db), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return {r["indicator"]: r for r in csv.DictReader(io.StringIO(out.stdout))}


def _metrics_value(db: str, row: dict) -> str:
    """The unit's value as `python -m metrics` writes it over the year to date of the data date."""
    month = _data_date(db)[:7]
    args = ["--db", db, "--period", month, "--cumulative", "--court", row["court_code"], "--indicator",
            row["indicator"], "--format", "csv"] + (["--by", "division"] if row["division"] else [])
    out = subprocess.run([sys.executable, "-m", "metrics", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    found = [r for r in csv.DictReader(io.StringIO(out.stdout)) if r.get("division", "") == row["division"]]
    assert len(found) == 1, out.stdout
    return found[0]["value"]


def _data_date(db: str) -> str:
    from metrics import inventory

    with duckdb.connect(db, read_only=True) as con:
        return inventory.meta(con)["data_date"]


def _sign_in(page, url: str, user: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").wait_for(timeout=60000)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(LOCAL_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=60000)
    wait_ready(page, 60000)


def _context(browser, width: int = 1366, height: int = 900):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return ctx, page


def _name(indicator: str) -> str:
    return BY_ID[indicator].zh


def _status(code: str) -> str:
    return tr(f"fu_status_{code}", "zh")


def _set_date(page, label: str, day: dt.date, scope=None) -> None:
    """Type a date into the date field labelled `label`, segment by segment, as a keyboard user does."""
    field = (scope or page).get_by_role("group", name=label, exact=True)
    for part, value in (("year", f"{day.year}"), ("month", f"{day.month:02d}"), ("day", f"{day.day:02d}")):
        segment = field.get_by_role("spinbutton", name=f"{part}, {label}")
        if segment.get_attribute("aria-valuenow") != str(int(value)):
            segment.click()
            page.keyboard.type(value)
    wait_ready(page, 60000)
    shown = [field.get_by_role("spinbutton", name=f"{p}, {label}").get_attribute("aria-valuenow")
             for p in ("year", "month", "day")]
    assert shown == [str(day.year), str(day.month), str(day.day)], shown


def _chosen(box) -> str:
    """What a select box shows: its label and the option chosen."""
    return box.evaluate("e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")


def _save_item(page, indicator: str, meeting_is_new: bool) -> None:
    """In the dialog a one-click button opened: the indicator is the shortfall's; deadline DUE, at the Q2 meeting."""
    dialog = page.get_by_role("dialog", name="设定整改事项")  # not the pop-over that may hold its button
    dialog.wait_for(timeout=60000)
    chosen = _chosen(dialog.locator("[data-testid='stSelectbox']").first)
    assert _name(indicator) in chosen, chosen
    _set_date(page, "期限", DUE, dialog)
    if meeting_is_new:
        dialog.get_by_label("新会商名称").fill(Q2_MEETING)
    else:  # the meeting recorded with the first item is offered first
        assert dialog.get_by_label("新会商名称").count() == 0
        meeting = _chosen(dialog.locator("[data-testid='stSelectbox']").filter(
            has=page.get_by_text("会商", exact=True)))
        assert Q2_MEETING in meeting, meeting
    _snap(page, f"2_form_{indicator}")
    dialog.get_by_role("button", name="保存").click()
    dialog.wait_for(state="detached", timeout=60000)
    wait_ready(page, 60000)


def _overview_items(page) -> dict[str, tuple[str, str]]:
    """态势总览's open items: indicator name → (status label, value now), as shown."""
    box = page.locator("[class*='st-key-fu_overview_items']")
    box.wait_for(timeout=60000)
    lines = [x.strip() for x in box.inner_text().splitlines() if x.strip()]
    out = {}
    for before, line in zip(lines, lines[1:]):
        m = re.match(r"(.+?) · .* · 期限 (\S+) · 现值 (.+?)，目标", line)
        if m:
            assert m.group(2) == DUE.isoformat(), line
            out[m.group(1)] = (before, m.group(3))
    return out


def _pick(page, item_id: str) -> str:
    """Choose an item on 整改台账; the text of its box."""
    box = page.locator(".st-key-fu_pick").get_by_role("combobox")
    box.click()
    page.keyboard.type(f"#{item_id} ")
    page.get_by_role("option", name=f"#{item_id} ").first.click()
    wait_ready(page, 60000)
    text = page.locator(".st-key-fu_item").inner_text()
    assert text.startswith(f"#{item_id} "), text
    return text


def _ledger_matches(page, url: str, listed: dict[str, dict]) -> None:
    """Each item on 整改台账 with the status the command line gives."""
    page.goto(f"{url}/actions?court={quote(COURT)}&district=false")
    page.locator(".st-key-fu_item").wait_for(timeout=60000)
    wait_ready(page, 60000)
    caption = page.get_by_text(re.compile(r"^共 \d+ 项：")).first.inner_text()
    assert caption.startswith(f"共 {len(listed)} 项："), caption
    for indicator, row in listed.items():
        text = _pick(page, row["id"])
        assert _name(indicator) in text and f"状态 {_status(row['status'])}" in text, (text, row)
    meetings = page.locator(".st-key-fu_filters [data-testid='stSelectbox']").first
    meetings.click()
    assert page.get_by_role("option", name=Q2_MEETING).count() == 1
    page.keyboard.press("Escape")


def _values_follow_the_data(page, url: str, db: str) -> dict[str, dict]:
    """The items as the command line lists them: each value now is `python -m metrics`'s for its unit,
    and 态势总览 shows that value and status."""
    listed = _actions_list(db)
    assert set(listed) == {COURT_ITEM, DIVISION_ITEM}, listed
    for indicator, row in listed.items():
        assert row["meeting"] == Q2_MEETING and row["due"] == DUE.isoformat() and row["target"] == "range", row
        assert row["value_now"] == _metrics_value(db, row), row
    page.goto(f"{url}/?court={quote(COURT)}&district=false")
    shown = _overview_items(page)
    for indicator, row in listed.items():
        value = fmt.value(BY_ID[indicator], float(row["value_now"]), "zh")
        assert shown[_name(indicator)] == (_status(row["status"]), value), (shown, row)
    return listed


def _q2_meeting(browser, url: str, db: str) -> dict[str, dict]:
    ctx, page = _context(browser)
    _sign_in(page, f"{url}/?court={quote(COURT)}&district=false", "office")
    # 态势总览: the court's shortfalls, each a button
    buttons = page.locator(".st-key-fu_short_overview")
    buttons.wait_for(timeout=60000)
    _snap(page, "2_overview_q2")
    buttons.get_by_role("button", name=f"设为整改事项：{_name(COURT_ITEM)}", exact=True).click()
    _save_item(page, COURT_ITEM, meeting_is_new=True)
    # 对比分析 by division: the divisions short of 简转普率, one click each
    page.goto(f"{url}/compare?court={quote(COURT)}&district=false&level=division&ind={DIVISION_ITEM}")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    page.get_by_role("button", name="设为整改事项", exact=True).click()
    page.get_by_role("button", name=f"设为整改事项：{DIVISION}", exact=True).click()
    _save_item(page, DIVISION_ITEM, meeting_is_new=False)
    _snap(page, "2_compare_q2")

    listed = _values_follow_the_data(page, url, db)
    for row in listed.values():
        assert row["value_now"] == row["value_at_creation"]  # no newer data than the items' own
    assert listed[DIVISION_ITEM]["owner"] == DIVISION and listed[DIVISION_ITEM]["division"] == DIVISION
    _snap(page, "2_overview_items_q2", "[class*='st-key-fu_overview_items']")
    _ledger_matches(page, url, listed)
    _snap(page, "2_ledger_q2", ".st-key-fu_item")

    # 趋势分析: a note on March of the court's 超12个月未结案件占比
    page.goto(f"{url}/trends?court={quote(COURT)}&district=false&ind={COURT_ITEM}&grain=month")
    page.locator("[data-testid=stVegaLiteChart]").first.wait_for(timeout=60000)
    wait_ready(page, 60000)
    month = choose_note_month(page, "2026-03")
    assert "2026-03" in _chosen(month)
    save_note(page, NOTE)
    tip = _hover_note(page, NOTE)
    _snap(page, "7_trend_note")
    assert NOTE in tip and "2026-03" in tip, tip
    assert not page.errors, page.errors
    ctx.close()
    return listed


def _import_q3(browser, url: str, db: str, path: str) -> None:
    """The data to 09-30, imported by the office on the 数据导入 page."""
    ctx, page = _context(browser)
    _sign_in(page, f"{url}/import", "office")
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(path)
    page.get_by_role("button", name="开始导入").wait_for(timeout=120000)
    wait_ready(page, 60000)
    _set_date(page, "数据截至（可选）", Q3_END)
    wait_ready(page, 60000)
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("导入完成").first.wait_for(timeout=180000)
    wait_ready(page, 60000)
    _snap(page, "3_import_q3")
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    with open(path, encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    assert [m.replace(",", "") for m in metrics[:3]] == [str(rows), str(rows), "0"], metrics
    assert _data_date(db) == Q3_END.isoformat()
    ctx.close()


def _pdf(docx: str, folder: str) -> str:
    """The briefing opened in LibreOffice and written as PDF; its text (pdftotext), its first two pages as PNG."""
    profile = os.path.join(folder, "lo-profile")  # its own LibreOffice profile: another soffice may be running
    out = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                          "--outdir", folder, docx], capture_output=True, text=True, timeout=180)
    pdf = os.path.splitext(docx)[0] + ".pdf"
    assert out.returncode == 0 and os.path.exists(pdf), out.stdout + out.stderr
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", pdf, os.path.join(folder, "briefing")],
                   check=True, timeout=60)
    pngs = sorted(glob.glob(os.path.join(folder, "briefing*.png")))
    assert len(pngs) == 2, pngs
    os.makedirs(SHOTS, exist_ok=True)
    for png in pngs:
        shutil.copy(png, os.path.join(SHOTS, f"4_q3_{os.path.basename(png)}"))
    text = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    return text


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _in_order(text: str, cells: list[str]) -> bool:
    """The cells follow each other in the (flattened) text."""
    at = 0
    for cell in cells:
        at = text.find(_flat(cell), at)
        if at < 0:
            return False
        at += len(_flat(cell))
    return True


def _q3_meeting(browser, url: str, db: str, q2: dict[str, dict], q3: dict[str, dict], folder) -> None:
    """The Q3 briefing issued for the meeting; its Word file, as PDF, reports both items and the note."""
    ctx, page = _context(browser)
    _sign_in(page, f"{url}/briefing?court={quote(COURT)}&district=false", "office")
    page.get_by_text(f"上次会商（{Q2_MEETING}，").first.wait_for(timeout=180000)
    page.get_by_text("为会商发布本报告").first.click()
    page.get_by_label("会商名称").fill(Q3_MEETING)
    page.get_by_role("button", name="记录会商并发布报告").click()
    page.get_by_text(f"已记录会商“{Q3_MEETING}”").first.wait_for(timeout=180000)
    wait_ready(page, 60000)
    _snap(page, "4_briefing_issued")
    with page.expect_download(timeout=180000) as dl:
        page.get_by_role("button", name="下载会商时的 Word 报告").click()
    docx = os.path.join(str(folder), "q3.docx")
    dl.value.save_as(docx)
    assert not page.errors, page.errors
    ctx.close()

    text = _flat(_pdf(docx, str(folder)))  # pdftotext spaces Latin from Chinese and breaks cells over lines
    first = text[text.index("一、上次会商确定事项落实情况"):text.index("二、总体情况")]
    assert f"上次会商（{Q2_MEETING}，{TODAY.isoformat()}）确定整改事项2项" in first, first
    for indicator, row in q3.items():
        ind = BY_ID[indicator]
        unit = "明湖市湖滨区人民法院" + (DIVISION if row["division"] else "")
        then = fmt.value(ind, float(q2[indicator]["value_now"]), "zh")
        now = fmt.value(ind, float(row["value_now"]), "zh")
        cells = [_name(indicator), unit, DUE.isoformat(), row["owner"] or "—", then, now,
                 tr(f"b_fu_status_{row['status']}", "zh")]
        assert then != now and _in_order(first, cells), (cells, first)
    # the note, in the analysis of its indicator (short of its range still), before the next one's
    short = re.search(r"未达到合理区间的指标\d+项：(.+?)。", text).group(1).split("、")
    assert _flat(_name(COURT_ITEM)) in short, short
    analysis = text[text.index("三、未达标指标"):]
    start = analysis.index(_flat(_name(COURT_ITEM) + "为"))  # after its heading: its analysis
    following = short[short.index(_flat(_name(COURT_ITEM))) + 1:]
    end = analysis.index(following[0] + "为", start) if following else len(analysis)
    assert _flat(f"批注（2026-03，明湖市湖滨区人民法院）：{NOTE}") in analysis[start:end], analysis[start:end]


def _head_reports_progress(browser, url: str, db: str, users: str, item_id: str) -> None:
    ctx, page = _context(browser)
    _sign_in(page, f"{url}/actions", "clerk")
    text = _pick(page, item_id)
    assert _name(DIVISION_ITEM) in text and DIVISION in text
    item = page.locator(".st-key-fu_item")
    assert item.get_by_role("button", name="销号").count() == 0  # a head reports, the office closes
    item.get_by_role("textbox", name="进展情况").fill(PROGRESS)
    item.get_by_role("button", name="填报进展").click()
    wait_ready(page, 60000)
    assert PROGRESS in page.locator(".st-key-fu_item").inner_text()
    assert "已记录整改事项" in page.locator("[data-testid='stAlert']").first.inner_text()
    _snap(page, "5_head_progress", ".st-key-fu_item")
    assert not page.errors, page.errors
    ctx.close()
    # forced past the page: the query layer refuses the head's closing, nothing is written
    code = ("import sys, duckdb; from security.users import load_users; from followup import actions, store\n"
            "from metrics.access import AccessDenied\n"
            "con = duckdb.connect(sys.argv[1], read_only=True); a = load_users().users['clerk'].access\n"
            "try: actions.close_item(con, int(sys.argv[2]), '已整改', 'clerk', a); print('WROTE')\n"
            "except AccessDenied: print('refused')\n"
            "print(store.item(int(sys.argv[2])).closed_at)\n")
    out = subprocess.run([sys.executable, "-c", code, db, item_id], cwd=ROOT, env=_env(db, users),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["refused", "None"]


def _judge_reads(browser, url: str, item_id: str) -> None:
    ctx, page = _context(browser)
    _sign_in(page, f"{url}/actions", "judge")
    text = _pick(page, item_id)
    assert _name(DIVISION_ITEM) in text and PROGRESS in text and "整改事项对您只读。" in text, text
    item = page.locator(".st-key-fu_item")
    assert item.get_by_role("button", name="销号").count() == 0
    assert item.get_by_role("button", name="填报进展").count() == 0
    assert item.get_by_role("textbox").count() == 0
    assert page.get_by_role("button", name="新建整改事项").count() == 0
    _snap(page, "6_judge_reads", ".st-key-fu_item")
    assert not page.errors, page.errors
    ctx.close()


def _big_screen(browser, url: str, q3: dict[str, dict]) -> None:
    ctx, page = _context(browser, 1920, 1080)
    _sign_in(page, f"{url}/screen?every=5&court={quote(COURT)}&district=false", "office")
    _, first, total = _screen_view(page)
    for number in [(first - 1 + k) % total + 1 for k in range(total)]:
        if "整改事项" in _screen_view(page, number)[0]:
            break
    else:
        pytest.fail("no 整改事项 view in the big screen's rotation")
    table = page.locator("table.spzx-items")
    table.wait_for(timeout=30000)
    text = table.inner_text()
    for indicator, row in q3.items():
        assert _name(indicator) in text, text
        assert fmt.value(BY_ID[indicator], float(row["value_now"]), "zh") in text, text
    assert text.count(DUE.isoformat()) == 2, text
    _snap(page, "8_big_screen_items")
    ctx.close()


def test_the_office_runs_the_loop_from_one_meeting_to_the_next(court, browser, tmp_path):
    url, db, files, users = court
    assert _data_date(db) == Q2_END.isoformat()
    q2 = _q2_meeting(browser, url, db)
    assert {r["status"] for r in q2.values()} == {"at_risk"}  # both short, the value carried to the deadline

    _import_q3(browser, url, db, files["q3"])
    ctx, page = _context(browser)
    _sign_in(page, f"{url}/?court={quote(COURT)}&district=false", "office")
    q3 = _values_follow_the_data(page, url, db)
    _snap(page, "3_overview_items_q3", "[class*='st-key-fu_overview_items']")
    for indicator, row in q3.items():
        assert row["id"] == q2[indicator]["id"] and row["value_at_creation"] == q2[indicator]["value_now"]
        assert row["value_now"] != q2[indicator]["value_now"], row
        assert row["status"] != q2[indicator]["status"], row  # the import moved each one
    _ledger_matches(page, url, q3)
    _snap(page, "3_ledger_q3", ".st-key-fu_item")
    ctx.close()

    _q3_meeting(browser, url, db, q2, q3, tmp_path)
    _head_reports_progress(browser, url, db, users, q3[DIVISION_ITEM]["id"])
    _judge_reads(browser, url, q3[DIVISION_ITEM]["id"])
    _big_screen(browser, url, q3)
