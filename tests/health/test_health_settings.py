"""The health settings reach dbt, and a bad configuration file stops the build with its
sentence (cxlink/settings/declared.py, dbt_project/models/intermediate/health)."""

from __future__ import annotations

import json
from pathlib import Path

from cxlink.settings import Settings
from tests.warehouse import run_dbt


def test_the_settings_reach_dbt_as_vars(tmp_path: Path):
    config = tmp_path / "my_health.yml"
    settings = Settings.from_env(
        {
            "CXLINK_HEALTH_SCORE_CONFIG": str(config),
            "CXLINK_HEALTH_CHURN_HORIZON_MONTHS": "6",
        }
    )
    variables = json.loads(settings.dbt_vars_args()[1])
    assert variables["health_score_config"] == str(config.resolve())
    assert variables["health_churn_horizon_months"] == "6"
    defaults = Settings.from_env({}).dbt_vars()
    assert (defaults["health_score_config"], defaults["health_churn_horizon_months"]) == ("", "3")


def test_a_bad_configuration_stops_the_build_naming_file_and_key(tmp_path: Path):
    config = tmp_path / "bad_health.yml"
    config.write_text("weights: {nps_category: 0.5, usage_trend: 0.4}\n", encoding="utf-8")
    # the configuration models read no table: they build on an empty warehouse
    done = run_dbt(
        tmp_path,
        ["build", "--select", "+int_health__score_config"],
        {"health_score_config": str(config)},
        check=False,
    )
    assert done.returncode != 0
    assert f"{config}: weights add up to 0.9, not 1." in done.stdout
    config.write_text("weights: {nps_category: 0.5, usage_trend: 0.5}\n", encoding="utf-8")
    done = run_dbt(
        tmp_path,
        ["build", "--select", "+int_health__score_config"],
        {"health_score_config": str(config)},
    )
    assert done.returncode == 0
