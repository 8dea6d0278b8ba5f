"""The composite score's arithmetic (spec v2, indicators.md Evaluation) and the evaluation file's weights."""
from __future__ import annotations

import math

import pytest

from metrics.evaluation import ConfigError, composite, load_config, score


@pytest.mark.parametrize("value,rng,expected", [
    (0.97, (0.95, 1.0), 100.0),                   # inside
    (0.95, (0.95, 1.0), 100.0),                   # on a bound
    (0.90, (0.95, 1.0), 0.0),                     # one width below
    (0.925, (0.95, 1.0), 50.0),                   # half a width below
    (98.83333333333333, (0.0, 90.0), 90.18518518518519),  # the worked example's 示0102 avg_duration
    (1.2, (1.0, 1.0), 0.0),                       # zero width: 0 as soon as it is outside
    (1.0, (1.0, 1.0), 100.0),
    (None, (0.0, 1.0), None),                     # no value
    (float("nan"), (0.0, 1.0), None),
    (0.5, None, None),                            # no range
])
def test_indicator_score(value, rng, expected):
    got = score(value, rng)
    assert (got is None) if expected is None else math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-9)


def test_composite_weighs_only_scored_indicators_with_a_weight():
    assert composite([(10, 100.0), (5, 50.0), (3, None), (0, 0.0)]) == (pytest.approx(1250 / 15), 15)
    assert composite([(10, 100.0), (5, 50.0)]) == (pytest.approx(1250 / 15), 15)
    assert composite([(4, None)]) == (None, 0)
    assert composite([]) == (None, 0)


def test_the_project_weights_are_illustrative_and_load():
    config = load_config()
    assert config.illustrative and config.weights["within_limit_rate"] > 0
    assert all(config.range_for(i) for i in config.weights), "every weighted indicator has a range to be scored on"


@pytest.mark.parametrize("weights,message", [
    ("within_limit_rate = -1", "≥ 0"),
    ("within_limit_rate = true", "≥ 0"),
    ('within_limit_rate = "10"', "≥ 0"),
    ("within_limit_rate = nan", "≥ 0"),
    ("no_such_indicator = 3", "unknown indicator"),
])
def test_bad_weights_are_refused_naming_the_indicator(tmp_path, weights, message):
    path = tmp_path / "e.toml"
    path.write_text(f"[weights]\n{weights}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(str(path))
