"""Import profiles: a source system's own headers and words import exactly as the standard file
does (`python -m data ingest --profile NAME`); a bad profile is refused with a clear message."""
from __future__ import annotations

import tomllib

import pytest

from data import profiles
from data.__main__ import main as cli_main
from data.reader import UnusableFile
from tests.helpers import HEADER, as_rows, case, pending, read_rejects, stored_cases, write_cases, write_courts, write_csv

EXAMPLE = tomllib.load(open(f"{profiles.folder()}/示例审判系统.toml", "rb"))
THEIR_HEADER = {col: head for head, col in EXAMPLE["columns"].items()}
THEIR_WORDS = {col: {ours: theirs for theirs, ours in words.items()} for col, words in EXAMPLE["values"].items()}


def _rows():
    return [case(serial=1, closing_method="判决", procedure="普通程序"), case(serial=2, closing_method="调解"),
            case("民终", 1, closing_method="改判"), pending(serial=3), case(serial=4, closing_method="撤诉"),
            case(serial=5, closing_method="不存在的结案方式")]


def _their_file(path):
    rows = as_rows(_rows())
    for r in rows:
        for i, col in enumerate(HEADER):
            r[i] = THEIR_WORDS.get(col, {}).get(r[i], r[i])
    return write_csv(path, rows, [THEIR_HEADER.get(c, c) for c in HEADER])


def test_a_profile_imports_a_foreign_export_as_the_standard_file(tmp_path, capsys):
    courts = write_courts(tmp_path / "k.csv")
    standard, theirs = tmp_path / "standard.duckdb", tmp_path / "theirs.duckdb"
    assert cli_main(["ingest", str(write_cases(tmp_path / "s.csv", _rows())), "--courts", str(courts),
                     "--db", str(standard), "--rejects", str(tmp_path / "rs.csv")]) == 0
    foreign = _their_file(tmp_path / "t.csv")
    assert "承办法官" in foreign.read_text(encoding="utf-8") and "判决结案" in foreign.read_text(encoding="utf-8")
    assert cli_main(["ingest", str(foreign), "--courts", str(courts), "--db", str(theirs),
                     "--rejects", str(tmp_path / "rt.csv"), "--profile", "示例审判系统"]) == 0
    assert stored_cases(theirs) == stored_cases(standard)
    assert read_rejects(tmp_path / "rt.csv") == read_rejects(tmp_path / "rs.csv") != []  # the unknown word still rejected


def test_without_the_profile_the_foreign_file_is_unusable(tmp_path, capsys):
    code = cli_main(["ingest", str(_their_file(tmp_path / "t.csv")), "--courts", str(write_courts(tmp_path / "k.csv")),
                     "--db", str(tmp_path / "db.duckdb")])
    assert code == 1 and "required column missing" in capsys.readouterr().err


def test_a_mapped_header_beside_the_standard_one_names_the_column_twice(tmp_path, capsys):
    rows = [r + ["张三"] for r in as_rows([case(serial=1)])]
    path = write_csv(tmp_path / "c.csv", rows, HEADER + ["承办法官"])
    code = cli_main(["ingest", str(path), "--courts", str(write_courts(tmp_path / "k.csv")), "--db", str(tmp_path / "db.duckdb"),
                     "--profile", "示例审判系统"])
    assert code == 1 and "both name column judge_name" in capsys.readouterr().err


@pytest.mark.parametrize("text,words", [
    ('[columns]\n"承办法官" = "judge"\n', "is not a column of the case table"),
    ('[values.closing_method]\n"判决结案" = "判决书"\n', "is not a valid closing_method"),
    ('[values.cause]\n"x" = "y"\n', "procedure and closing_method only"),
    ("[columns\n", "not valid TOML"),
])
def test_a_broken_profile_is_refused(tmp_path, monkeypatch, text, words):
    monkeypatch.setenv("SPZX_PROFILES", str(tmp_path))
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(UnusableFile, match=words):
        profiles.load("bad")


@pytest.mark.parametrize("name", ["../users", "a/b", "", "x" * 41])
def test_a_profile_name_is_never_a_path(name):
    with pytest.raises(UnusableFile):
        profiles.load(name)


def test_save_writes_what_load_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_PROFILES", str(tmp_path))
    p = profiles.Profile("某系统", {'承办"法官': "judge_name", "收案日期": "filed_date"},
                         {"closing_method": {"判决结案": "判决"}}, "说明 \\ 含引号\"")
    profiles.save(p)
    assert profiles.load("某系统") == p and profiles.names() == ["某系统"]


def test_proposals_come_from_aliases_only_for_unknown_headers():
    assert profiles.propose(["案号", "承办法官", "收案日期", "承办人", "备注", "审结日期", "结案时间"]) == {
        "收案日期": "filed_date", "审结日期": "closed_date"}  # 承办人 already names judge_name; one header per column
