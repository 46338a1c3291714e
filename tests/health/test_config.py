"""The health score's configuration: parsing, resolution per segment and tenure stage, the
version hash, and one-sentence errors naming the file and the key (cxlink/health/config.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cxlink.health.config import (
    DEFAULT_CONFIG_PATH,
    INDICATORS,
    SCALES,
    HealthConfigError,
    load_config,
    parse_config,
)
from cxlink.settings import DBT_PROJECT_DIR, Settings
from tests.health.accounts import TEST_CONFIG

SOURCE = "health.yml"


def parsed(text: str):
    return parse_config(yaml.safe_load(text), SOURCE)


def errors(text: str) -> str:
    with pytest.raises(HealthConfigError) as err:
        parsed(text)
    return str(err.value)


def test_the_indicator_list_is_the_one_the_sql_uses():
    macros = (DBT_PROJECT_DIR / "macros" / "health.sql").read_text()
    block = macros.split("macro health_indicators()", 1)[1].split("endmacro", 1)[0]
    assert tuple(re.findall(r"'([a-z_]+)'", block)) == INDICATORS


def test_the_shipped_file_loads_and_is_the_default():
    config = load_config()
    assert config.source == str(DEFAULT_CONFIG_PATH)
    assert load_config("") == config
    assert (config.bands.green_min, config.bands.red_below, config.onboarding_months) == (70, 40, 3)
    # every scale the file lists is the code's default: the file documents them
    assert dict(config.scales) == {name: float(spec[0]) for name, spec in SCALES.items()}
    weights, _ = config.resolve("smb", "onboarding")
    assert weights["tenure"] == 0.1 and weights["nps_change"] == 0.0
    # the setting's default (empty) is the shipped file
    assert Settings.from_env({}).health_score_config is None


def test_resolution_most_specific_override_wins_per_field():
    config = parsed(
        TEST_CONFIG
        + """\
  - segment: enterprise
    tenure_stage: onboarding
    weights: {nps_category: 1.0}
"""
    )
    base, _ = config.resolve("smb", "established")
    assert base["nps_category"] == 0.4 and base["tenure"] == 0.0  # unlisted -> 0
    onboarding, bands = config.resolve("smb", "onboarding")
    assert (onboarding["nps_category"], onboarding["tenure"]) == (0.5, 0.5)
    assert (bands.green_min, bands.red_below) == (70, 40)
    # enterprise: its own bands (green_min 60, red_below inherited 40), the base weights
    weights, bands = config.resolve("enterprise", "established")
    assert weights == base and (bands.green_min, bands.red_below) == (60, 40)
    # enterprise onboarding: the segment-and-stage weights, the segment's bands
    weights, bands = config.resolve("enterprise", "onboarding")
    assert weights["nps_category"] == 1.0 and bands.green_min == 60
    assert config.segments() == ["*", "enterprise"]
    rows = config.rows()
    # 2 segments x 2 stages x 9 indicators, every row versioned
    assert len(rows) == 36 and {r["score_version"] for r in rows} == {config.version}
    by_key = {(r["segment"], r["tenure_stage"]): r for r in rows if r["indicator"] == "tenure"}
    assert by_key["*", "onboarding"]["weight"] == 0.5
    assert by_key["enterprise", "established"]["green_min"] == 60


def test_version_known_answer_and_what_changes_it():
    config = parsed(TEST_CONFIG)
    # sha256 of the normalised configuration, first 12 hex digits (FORMULA_REVISION 1)
    assert config.version == "f9a0aaa34f65"
    # comments, key order, number formatting and defaults written out do not change it
    reordered = """\
# a comment
weights: {payment_problems: 0.10, seat_utilisation: 0.05, usage_trend: 0.1, urgent_tickets: 0.05,
          tickets_per_user: 0.1, comment_sentiment: 0.1, nps_change: 0.1, nps_category: 0.40,
          tenure: 0}
overrides:
  - {segment: enterprise, bands: {green_min: 60.0, red_below: 40}}
  - {tenure_stage: onboarding, weights: {tenure: 0.5, nps_category: 0.5}}
scales: {nps_lookback_months: 12}
"""
    assert parsed(reordered).version == config.version
    # a weight, a cut-off or a scale does
    assert parsed(TEST_CONFIG.replace("green_min: 70", "green_min: 75")).version != config.version
    changed_scale = TEST_CONFIG + "scales: {payment_window_months: 3}\n"
    assert parsed(changed_scale).version != config.version
    moved = TEST_CONFIG.replace("nps_category: 0.4", "nps_category: 0.3").replace(
        "nps_change: 0.1", "nps_change: 0.2"
    )
    assert parsed(moved).version != config.version


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "weights: {nps_category: 0.5, nps: 0.5}",
            "health.yml: weights.nps is not an indicator: use nps_category, nps_change, "
            "comment_sentiment, tickets_per_user, urgent_tickets, usage_trend, "
            "seat_utilisation, payment_problems, tenure.",
        ),
        (
            "weights: {nps_category: 0.5, usage_trend: 0.4}",
            "health.yml: weights add up to 0.9, not 1.",
        ),
        (
            "weights: {nps_category: 1.5, usage_trend: -0.5}",
            "health.yml: weights.usage_trend must be a number >= 0, got -0.5.",
        ),
        (
            "bands: {green_min: 70}",
            "health.yml: weights is missing (the weight of each indicator).",
        ),
        (
            "weights: {nps_category: 1}\nbands: {green_min: 30, red_below: 40}",
            "health.yml: bands.red_below (40) is above green_min (30).",
        ),
        (
            "weights: {nps_category: 1}\nbands: {green_min: 170}",
            "health.yml: bands.green_min must be a number from 0 to 100, got 170.",
        ),
        (
            "weights: {nps_category: 1}\nscales: {usage_recent_weeks: 2.5}",
            "health.yml: scales.usage_recent_weeks must be a whole number >= 1, got 2.5.",
        ),
        (
            "weights: {nps_category: 1}\nscales: {usage_decline_zero_at: 1.5}",
            "health.yml: scales.usage_decline_zero_at must be a number above 0 and at most 1, "
            "got 1.5.",
        ),
        (
            "weights: {nps_category: 1}\nscales: {window: 3}",
            "health.yml: scales.window is not a scale: use " + ", ".join(SCALES) + ".",
        ),
        (
            "weights: {nps_category: 1}\nonboarding_months: -1",
            "health.yml: onboarding_months must be a whole number >= 0, got -1.",
        ),
        (
            "weights: {nps_category: 1}\noverrides:\n  - {tenure_stage: trial, bands: {}}",
            "health.yml: overrides[0].tenure_stage must be onboarding or established, got 'trial'.",
        ),
        (
            "weights: {nps_category: 1}\noverrides:\n  - {segment: smb}",
            "health.yml: overrides[0] sets neither weights nor bands.",
        ),
        (
            "weights: {nps_category: 1}\noverrides:\n  - {bands: {red_below: 10}}",
            "health.yml: overrides[0] names neither a segment nor a tenure_stage.",
        ),
        (
            "weights: {nps_category: 1}\noverrides:\n  - {segment: smb, bands: {}}\n"
            "  - {segment: smb, bands: {green_min: 80}}",
            "health.yml: overrides[1] repeats overrides[0] (the same segment and stage).",
        ),
        (
            "weights: {nps_category: 1}\noverrides:\n  - {segment: smb, weights: {tenure: 0.5}}",
            "health.yml: overrides[0].weights add up to 0.5, not 1.",
        ),
        (
            "weights: {nps_category: 1}\nband: {green_min: 80}",
            "health.yml: band is not a key of the file: use weights, bands, onboarding_months, "
            "scales, overrides.",
        ),
    ],
)
def test_each_problem_is_one_sentence_naming_the_file_and_key(text: str, message: str):
    assert errors(text) == message


def test_every_problem_is_reported_at_once():
    message = errors("weights: {nps_category: 0.5}\nbands: {green_min: 170}\nonboarding_months: x")
    assert message == (
        "health.yml: weights add up to 0.5, not 1. "
        "health.yml: bands.green_min must be a number from 0 to 100, got 170. "
        "health.yml: onboarding_months must be a whole number >= 0, got 'x'."
    )


def test_a_missing_or_broken_file_is_named(tmp_path: Path):
    missing = tmp_path / "nope.yml"
    with pytest.raises(HealthConfigError, match=r"nope\.yml: the health score configuration does"):
        load_config(missing)
    broken = tmp_path / "broken.yml"
    broken.write_text("weights: [1, 2\n", encoding="utf-8")
    with pytest.raises(HealthConfigError, match=r"broken\.yml: not valid YAML"):
        load_config(broken)
    not_a_mapping = tmp_path / "list.yml"
    not_a_mapping.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(HealthConfigError, match=r"list\.yml: expected a mapping"):
        load_config(not_a_mapping)
