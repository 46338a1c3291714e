"""The committed suites: generated from the contract, readable by GX, covering every rule."""

from __future__ import annotations

import json

import pytest

from cxlink.contract import ENTITIES, unique_key
from cxlink.quality import build_suites
from cxlink.quality.gx_validation import load_suite, suite_path


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_committed_suite_equals_the_generated_one(entity: str):
    committed = suite_path(entity).read_text(encoding="utf-8")
    assert committed == build_suites.render(ENTITIES[entity]), (
        f"expectations/{entity}.json is stale: run python -m cxlink.quality.build_suites"
    )


def test_check_mode_reports_nothing_stale():
    assert build_suites.stale_suites() == []
    assert build_suites.main(["--check"]) == 0


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_gx_reads_every_expectation_with_its_kwargs(entity: str):
    spec = json.loads(suite_path(entity).read_text(encoding="utf-8"))
    suite = load_suite(entity)
    assert suite.name == spec["name"] == f"raw_{entity}"
    assert [e.expectation_type for e in suite.expectations] == [
        e["type"] for e in spec["expectations"]
    ]
    for written, expectation in zip(spec["expectations"], suite.expectations, strict=True):
        # every argument written is understood (none dropped as unknown)
        assert all(getattr(expectation, k, None) is not None for k in written["kwargs"]), written
        assert expectation.meta.get("rule") == written.get("meta", {}).get("rule")


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_suite_covers_key_required_columns_and_row_rules(entity: str):
    spec = build_suites.suite_for(ENTITIES[entity])
    pairs = {(e["type"], e["kwargs"].get("column")) for e in spec["expectations"]}
    key = unique_key(ENTITIES[entity])
    if len(key) == 1:
        assert ("expect_column_values_to_be_unique", key[0]) in pairs
    else:
        assert {
            "type": "expect_compound_columns_to_be_unique",
            "kwargs": {"column_list": list(key)},
            "meta": {"rule": "duplicate_key"},
        } in spec["expectations"]
    for column in {*ENTITIES[entity].required_columns, *key}:
        assert ("expect_column_values_to_not_be_null", column) in pairs
    rules = {e.get("meta", {}).get("rule") for e in spec["expectations"]}
    assert {rule for rule, _ in ENTITIES[entity].row_rules} <= rules


def test_a_contract_rule_without_an_expectation_stops_the_build():
    entity = ENTITIES["fx_rates"]
    bigger = type(entity)(
        name=entity.name,
        description=entity.description,
        columns=entity.columns,
        row_rules=(*entity.row_rules, ("rate_too_big", "rate_to_reporting > 1000")),
    )
    with pytest.raises(KeyError, match="rate_too_big"):
        build_suites.suite_for(bigger)
