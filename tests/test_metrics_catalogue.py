"""The measure declarations and the catalogue are checked when they load; a broken one is refused."""
from __future__ import annotations

import dataclasses

import pytest

from metrics import catalogue, measures
from metrics.catalogue import CATALOGUE, Kind, Part, View, in_view, validate


def _changed(indicator_id: str, **changes) -> list:
    return [dataclasses.replace(i, **changes) if i.id == indicator_id else i for i in CATALOGUE]


def test_the_shipped_catalogue_is_valid():
    validate(CATALOGUE)
    measures.validate()


@pytest.mark.parametrize("changes,message", [
    (dict(numerator="no_such_measure"), "not declared"),
    (dict(denominator=None), "needs a numerator and a denominator"),
    (dict(kind=Kind.COUNT), "no denominator"),
    (dict(kind="ratio"), "kind must be a Kind"),
    (dict(views=frozenset({"overview"})), "views must be View members"),
    (dict(group="misc"), "unknown group"),
    (dict(formula_en=""), "both languages"),
])
def test_a_broken_indicator_is_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        validate(_changed("within_limit_rate", **changes))


def test_a_duplicate_id_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        validate(CATALOGUE + [CATALOGUE[0]])


def test_records_are_frozen_and_keyword_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CATALOGUE[0].zh = "x"
    with pytest.raises(TypeError):
        measures.Measure("x", measures.Kind.FLOW)  # positional arguments are refused


def test_a_broken_measure_is_refused(monkeypatch):
    bad = measures.Measure(name="bad_sum", kind=measures.Kind.SUM, parts=("received", "no_such"))
    monkeypatch.setattr(measures, "MEASURES", measures.MEASURES + (bad,))
    monkeypatch.setitem(measures.BY_NAME, "bad_sum", bad)
    with pytest.raises(ValueError, match="no_such is not a case measure"):
        measures.validate()


def test_views_and_drill_targets_come_from_the_declarations():
    assert in_view(View.ENFORCEMENT) == ["exec_completion_rate", "exec_recovery_rate", "first_exec_termination_rate",
                                        "exec_on_time_with_assets_rate"]
    assert in_view(View.SUMMARY) == ["received", "closed", "pending", "clearance_ratio", "within_limit_rate"]
    by_id = catalogue.BY_ID
    assert by_id["reversal_remand_rate"].drill is Part.NUMERATOR
    assert by_id["reversal_remand_rate"].drill_measure == "first_reversed"
    assert by_id["within_limit_rate"].drill_measure == "closed"
    assert by_id["closure_rate"].drill_measure == "on_hand"


def test_drill_conditions_are_the_measures_own():
    assert measures.case_condition("carried_over") == (
        "counted AND filed_date <= (p_start - 1) AND (closed_date IS NULL OR closed_date > (p_start - 1))")
    assert measures.case_condition("on_hand") == (
        f"({measures.case_condition('carried_over')}) OR ({measures.case_condition('received')})")
    with pytest.raises(ValueError):
        measures.case_condition("population")
