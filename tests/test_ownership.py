"""对口认领: the ownership file — a court's own owner before the default, a bad file refused with
the key that is wrong, no file meaning no owners."""
from __future__ import annotations

import pytest

from metrics.evaluation import ConfigError
from metrics.ownership import load, parse


def test_a_courts_own_owner_comes_before_the_default():
    owned = parse({"default": {"mediation_rate": "民一庭", "within_limit_rate": "民二庭"},
                   "courts": {"示0101": {"mediation_rate": "民二庭"}}}, "t")
    assert owned.owner("mediation_rate", "示0101") == "民二庭"
    assert owned.owner("mediation_rate", "示0102") == "民一庭"
    assert owned.owner("within_limit_rate", "示0101") == "民二庭"
    assert owned.owner("received", "示0101") is None


@pytest.mark.parametrize("raw,words", [
    ({"default": {"no_such_indicator": "民一庭"}}, "default.no_such_indicator"),
    ({"default": {"mediation_rate": ""}}, "default.mediation_rate"),
    ({"default": {"mediation_rate": 3}}, "default.mediation_rate"),
    ({"courts": {"示0101": {"nope": "民一庭"}}}, "courts.示0101.nope"),
    ({"courts": {"示0101": "民一庭"}}, "courts.示0101"),
    ({"owners": {}}, "unknown keys"),
])
def test_a_bad_file_is_refused_naming_the_key(raw, words):
    with pytest.raises(ConfigError, match=words.replace(".", r"\.")):
        parse(raw, "t")


def test_no_file_means_no_owners(tmp_path):
    assert load(str(tmp_path / "none.toml")).owner("mediation_rate", "示0101") is None


def test_the_projects_file_is_read():
    owned = load()
    assert owned.owner("exec_completion_rate", "示0101") == "执行局"
    assert owned.owner("mediation_rate", "示0102") != owned.owner("mediation_rate", "示0101")
