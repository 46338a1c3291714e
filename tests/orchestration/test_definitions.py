"""The code location loads and is wired as the README says."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.settings import Settings, SettingsError


def test_definitions_load_with_layers_job_schedule_and_sensor(dbt_manifest: Path):
    from orchestration.definitions import build_definitions

    defs = build_definitions(Settings.from_env({}))
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    for entity in ENTITY_ORDER:
        assert groups[f"raw/{entity}"] == "extract"
    assert groups["quarantine/ledger"] == "quality"
    assert groups["staging/stg_surveys__responses"] == "staging"
    assert groups["marts/nps_monthly"] == "marts"
    assert {g for k, g in groups.items() if k.startswith("intermediate/")} == {"intermediate"}

    # dbt sources are the extract assets, so staging depends on them
    staging = graph.get(dg.AssetKey(["staging", "stg_surveys__responses"]))
    assert dg.AssetKey(["raw", "feedback"]) in staging.parent_keys

    assert defs.resolve_job_def("cxlink_main") is not None
    assert defs.resolve_schedule_def("cxlink_daily").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("cxlink_landing_sensor") is not None
    assert defs.executor == dg.in_process_executor

    check_keys = {key.name for key in graph.asset_check_keys}
    assert {f"gx_raw_{e}" for e in ENTITY_ORDER} <= check_keys

    # no asset is partitioned (the text assets are incremental instead)
    assert all(graph.get(key).partitions_def is None for key in graph.get_all_asset_keys())
    assert defs.resolve_job_def("cxlink_text") is not None
    resources = defs.resources or {}
    assert {"warehouse", "dbt", "settings"} <= set(resources)


def test_the_code_location_reads_the_settings_when_loaded(
    dbt_manifest: Path, monkeypatch: pytest.MonkeyPatch
):
    """`defs` is a @dg.definitions loader: the environment is read when Dagster loads the
    location, not when the module is imported, and a bad value fails with its name."""
    import orchestration.definitions as location

    monkeypatch.setenv("CXLINK_SCHEDULE_CRON", "15 4 * * *")
    defs = location.defs()
    assert defs.resolve_schedule_def("cxlink_daily").cron_schedule == "15 4 * * *"

    monkeypatch.setenv("CXLINK_SCHEDULE_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match=r"CXLINK_SCHEDULE_TIMEZONE='Mars/Olympus'"):
        location.defs()
