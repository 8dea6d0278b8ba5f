"""Issue 25, item 5 and two lower ones: every weight and range bound is bounded where it enters,
the settings table is read by the rows the page sent, and a profile name is one the command line
can name.

Five weights of 1e308 overflowed the composite's sum: `metrics score` printed `composite … inf`
and 综合评估 showed "—" without a word. A crafted message could delete rows of the settings table
or edit its hidden `id` column. A profile could be saved as `-rf`, which `--profile` refused."""
from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import math
import os
import re
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.elements.lib.column_config_utils import determine_dataframe_schema
from streamlit.elements.widgets.data_editor import _apply_dataframe_edits
from streamlit.testing.v1 import AppTest

from data import profiles
from data.__main__ import _parser as data_parser
from data.reader import UnusableFile
from metrics.__main__ import main as metrics_main
from metrics.evaluation import ConfigError, EvaluationConfig, composite, load_config, save_config
from present.text import tr
from tests.helpers import ROOT

WEIGHT_MAX = 100  # metrics.evaluation.WEIGHT_MAX (imported where needed: the file runs against older code too)

HUGE = ["within_limit_rate", "avg_duration", "over12m_share", "reversal_remand_rate", "mediation_rate"]


def _file(tmp_path, text: str) -> str:
    path = tmp_path / "evaluation.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_five_huge_weights_are_refused_naming_the_key_and_the_file(tmp_path):
    path = _file(tmp_path, "[weights]\n" + "".join(f"{i} = 1e308\n" for i in HUGE))
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert path in str(e.value) and "[weights] within_limit_rate" in str(e.value)
    assert f"≤ {WEIGHT_MAX:g}" in str(e.value)


def test_metrics_score_refuses_them_with_a_message_not_inf(tmp_path, capsys):
    path = _file(tmp_path, "[weights]\n" + "".join(f"{i} = 1e308\n" for i in HUGE))
    code = metrics_main(["score", "--db", str(tmp_path / "none.duckdb"), "--period", "2026", "--evaluation", path,
                         "--format", "csv"])
    out = capsys.readouterr()
    assert code == 2 and "inf" not in out.out
    assert path in out.err and "within_limit_rate" in out.err


@pytest.mark.parametrize("text,key", [
    ("[ranges.within_limit_rate]\ndefault = [0.95, 95]\n", "[ranges.within_limit_rate] default"),  # a percentage, not a rate
    ("[ranges.avg_duration]\ndefault = [0, 1e308]\n", "[ranges.avg_duration] default"),
    ('[ranges.avg_duration]\n"中级" = [-1e308, 90]\n', "[ranges.avg_duration] 中级"),
    ("[ranges.closed]\ndefault = [0, 1e12]\n", "[ranges.closed] default"),
    ("[ranges.clearance_ratio]\ndefault = [0.9, 1e300]\n", "[ranges.clearance_ratio] default"),
    ("[weights]\nwithin_limit_rate = 100.5\n", "[weights] within_limit_rate"),
    ("weights = 5\n", "[weights]"),
    ("[ranges]\nwithin_limit_rate = 3\n", "[ranges.within_limit_rate]"),
])
def test_a_bad_value_in_the_file_names_its_key_and_the_file(tmp_path, text, key):
    path = _file(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert path in str(e.value) and key in str(e.value)


def test_the_bounds_cover_every_unit_and_the_shipped_files_fit():
    from metrics.catalogue import CATALOGUE
    from metrics.evaluation import RANGE_BOUNDS

    assert {i.unit for i in CATALOGUE} <= set(RANGE_BOUNDS)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for path in ("config/evaluation.toml", "tests/spec/worked-example-v2/evaluation.toml",
                 "tests/spec/worked-example-v3/evaluation.toml"):
        load_config(os.path.join(root, path))


def test_the_largest_weights_cannot_overflow():
    assert math.isfinite(composite([(WEIGHT_MAX, 100.0)] * 1000)[0])


def test_saving_refuses_what_loading_would(tmp_path):
    path = str(tmp_path / "e.toml")
    with pytest.raises(ConfigError):
        save_config(EvaluationConfig(weights={"within_limit_rate": 1e308}), path)
    assert not os.path.exists(path)


# 评价设置: the table the page sent, the state a (crafted) message returns, the page's reading of it.

def _edited(shown: pd.DataFrame, state: dict) -> pd.DataFrame:
    """What st.data_editor returns for the widget state `state` a message sent: Streamlit's own
    application of the edits, as the page receives them."""
    data = shown.copy()
    schema = determine_dataframe_schema(data, pa.Schema.from_pandas(data))
    return _apply_dataframe_edits(data, {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **state}, schema)


def _page_reading(state: dict, config: EvaluationConfig | None = None):
    from ui.settings_table import frame, read

    shown = frame(config or load_config(), "zh")
    return read(shown, _edited(shown, state), rankings=False)


def test_the_page_refuses_a_huge_weight_naming_the_indicator():
    new, problems = _page_reading({"edited_rows": {i: {"weight": 1e308} for i in range(5)}})
    assert new is None and problems and all(key == "bad_weight" for key, _v in problems)
    text = tr(problems[0][0], "zh", **problems[0][1])
    assert problems[0][1]["name"] in text and "100" in text


def test_the_page_refuses_a_range_outside_its_unit():
    from ui.settings_table import frame, read

    shown = frame(load_config(), "zh")
    row = shown.index[shown["id"] == "within_limit_rate"][0]
    new, problems = read(shown, _edited(shown, {"edited_rows": {int(row): {"default_low": 0.95, "default_high": 95.0}}}),
                         rankings=False)
    assert new is None and [k for k, _v in problems] == ["bad_range_bounds"]
    assert problems[0][1]["name"] == "审限内结案率" and problems[0][1]["hi"] == "1"


def test_deleted_rows_from_a_crafted_message_are_refused():
    new, problems = _page_reading({"deleted_rows": [0, 1]})
    assert new is None and [k for k, _v in problems] == ["settings_rows_changed"]


@pytest.mark.parametrize("edit", [{"id": "closed"}, {"id": "no_such"}, {"name": "别的指标"}])
def test_edits_of_the_hidden_id_or_the_name_are_refused(edit):
    new, problems = _page_reading({"edited_rows": {3: {**edit, "weight": 5.0}}})
    assert new is None and [k for k, _v in problems] == ["settings_rows_changed"]


def test_added_rows_are_refused():
    new, problems = _page_reading({"added_rows": [{"id": "closed", "name": "已结", "weight": 50.0}]})
    assert new is None and [k for k, _v in problems] == ["settings_rows_changed"]


def test_an_honest_edit_still_saves(tmp_path):
    new, problems = _page_reading({"edited_rows": {0: {"weight": 100.0, "default_low": 0, "default_high": 5000}}})
    assert problems == [] and new.weights["received"] == 100.0 and new.ranges["received"]["default"] == (0, 5000)
    save_config(new, str(tmp_path / "e.toml"))
    assert load_config(str(tmp_path / "e.toml")) == new


# Lower: a profile saved under a name the command line cannot name.

def _cli_takes(name: str) -> bool:
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            args = data_parser().parse_args(["ingest", "c.csv", "--db", "x.duckdb", "--profile", name])
    except SystemExit:
        return False
    return isinstance(args, argparse.Namespace) and args.profile == name


@pytest.mark.parametrize("name", ["-rf", "--db", "-", "-x1", "法院系统A", "sys_2-b", "_x", "9-1"])
def test_a_profile_is_saved_only_under_a_name_the_command_line_takes(name, tmp_path, monkeypatch):
    """Saved means `--profile NAME` reaches the same profile; a name starting with "-" is refused
    when saving (argparse would take it for an option, or "-" for standard input)."""
    monkeypatch.setenv("SPZX_PROFILES", str(tmp_path))
    profile = profiles.Profile(name, {"案号": "case_no"}, {}, "", "cases")
    if name.startswith("-"):
        with pytest.raises(UnusableFile, match="does not start with -"):
            profiles.save(profile)
        assert os.listdir(tmp_path) == []
    else:
        profiles.save(profile)
        assert _cli_takes(name) and profiles.load(name).columns == {"案号": "case_no"}


# A bad value in the file the server reads: the pages say which key of which file.

_DEMO = """
import sys
import data.demo as g
g.generate(sys.argv[1], cases=2000, seed=2026, progress=False)
"""


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("bounded_demo") / "demo.duckdb")
    subprocess.run([sys.executable, "-c", _DEMO, db], cwd=ROOT, check=True)
    return db


def _admin_app(small_db, evaluation: str, tmp_path, monkeypatch) -> AppTest:
    """The dashboard as the demo admin opens it, over `evaluation` (not run yet)."""
    monkeypatch.setenv("SPZX_DB", small_db)
    monkeypatch.setenv("SPZX_EVALUATION_CONFIG", evaluation)
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_USERS", raising=False)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)
    at.session_state["_user"] = "demo_admin"
    return at


@pytest.fixture
def settings_page(small_db, tmp_path, monkeypatch):
    """评价设置 as an admin opens it, over a copy of the shipped evaluation file."""
    path = tmp_path / "evaluation.toml"
    path.write_bytes(open(os.path.join(ROOT, "config", "evaluation.toml"), "rb").read())
    at = _admin_app(small_db, str(path), tmp_path, monkeypatch)
    at.run()
    at.switch_page("app_pages/evaluation_settings.py").run()
    assert not at.exception
    return at, path


def _send(at, state: dict) -> None:
    """Press 保存设置 with the table's widget state as a crafted websocket message would carry it
    (the editor itself offers neither deleting rows nor the hidden id column)."""
    from streamlit.testing.v1.element_tree import Dataframe

    editor = next(n for n in at._tree if isinstance(n, Dataframe) and n.key == "settings_table")
    next(b for b in at.button if b.label == "保存设置").click()
    states = at._tree.get_widget_states()
    sent = states.widgets.add()
    sent.id = editor.proto.id
    sent.string_value = json.dumps({"edited_rows": {}, "added_rows": [], "deleted_rows": [], **state})
    at._run(states)
    assert not at.exception


@pytest.mark.parametrize("state", [
    {"edited_rows": {str(i): {"weight": 1e308} for i in range(5)}},                    # issue 25: inf composites
    {"deleted_rows": [0, 1]},                                                         # rows the editor cannot delete
    {"edited_rows": {"3": {"id": "received", "weight": 7}}},                          # the hidden id column
    {"edited_rows": {"6": {"default_low": 0.95, "default_high": 95}}},                # a rate's range as percentages
])
def test_the_page_refuses_a_crafted_or_unbounded_table_and_writes_nothing(settings_page, state):
    at, path = settings_page
    before = path.read_bytes()
    _send(at, state)
    assert [html.unescape(e.value) for e in at.error] == ["设置未保存，评价配置文件没有改动。请修改以下各项："]
    assert not at.success and path.read_bytes() == before


def test_an_honest_save_through_the_page_still_writes(settings_page):
    at, path = settings_page
    _send(at, {"edited_rows": {"0": {"weight": 100}}})
    assert not at.error and at.success
    assert load_config(str(path)).weights["received"] == 100


@pytest.fixture
def app(small_db, tmp_path, monkeypatch):
    bad = _file(tmp_path, "[weights]\n" + "".join(f"{i} = 1e308\n" for i in HUGE))
    at = _admin_app(small_db, bad, tmp_path, monkeypatch)
    return at, bad


def _errors(at) -> list[str]:
    return [html.unescape(e.value) for e in at.error]


def test_the_assessment_page_names_the_key_and_the_file_not_a_dash(app):
    at, bad = app
    at.run()
    at.switch_page("app_pages/assessment.py").run()
    assert not at.exception
    said = [e for e in _errors(at) if "配置文件有误" in e]
    assert said and bad in said[0] and "[weights] within_limit_rate" in said[0]


def test_the_settings_page_names_every_bad_key_and_keeps_the_valid_settings(small_db, tmp_path, monkeypatch):
    """One bad value must not blank every range: the table starts from the file's valid settings,
    and each bad key is named (not only the first)."""
    shipped = open(os.path.join(ROOT, "config", "evaluation.toml"), encoding="utf-8").read()
    for i in HUGE:  # the shipped file's weights of these five, made huge
        shipped, n = re.subn(rf"^{i} = .*$", f"{i} = 1e308", shipped, flags=re.M)
        assert n == 1, i
    bad = _file(tmp_path, shipped)
    at = _admin_app(small_db, bad, tmp_path, monkeypatch)
    at.run()
    at.switch_page("app_pages/evaluation_settings.py").run()
    assert not at.exception
    said = [e for e in _errors(at) if "配置文件有误" in e]
    assert said and bad in said[0] and all(f"[weights] {i}" in said[0] for i in HUGE)
    assert any("下表从文件中有效的设置开始" in html.unescape(c.value) for c in at.caption)
    table = at.dataframe[0].value if at.dataframe else next(
        n for n in at._tree if getattr(n, "key", None) == "settings_table").value
    ranged = load_config(os.path.join(ROOT, "config", "evaluation.toml")).ranges
    some = next(iter(ranged))
    row = table[table["id"] == some].iloc[0]
    assert (row["default_low"], row["default_high"]) == ranged[some]["default"]
    assert table[table["id"].isin(HUGE)]["weight"].isna().all()


def test_the_table_does_not_clamp_in_the_browser(settings_page):
    """A min or max on the editor's columns makes the browser turn 101 into 100 and -1 into 1
    without a word; the page's own check must see what was typed."""
    at, _path = settings_page
    editor = next(n for n in at._tree if getattr(n, "key", None) == "settings_table")
    columns = json.loads(editor.proto.columns)
    for name, column in columns.items():
        kind = column.get("type_config", {})
        assert "min_value" not in kind and "max_value" not in kind, name


@pytest.mark.parametrize("weight", [101, -1])
def test_a_weight_out_of_bounds_typed_on_the_page_is_refused_naming_it(settings_page, weight):
    at, path = settings_page
    before = path.read_bytes()
    _send(at, {"edited_rows": {"0": {"weight": weight}}})
    assert [html.unescape(e.value) for e in at.error] == ["设置未保存，评价配置文件没有改动。请修改以下各项："]
    assert any("权重" in m.value and str(weight) in m.value for m in at.markdown)
    assert path.read_bytes() == before
