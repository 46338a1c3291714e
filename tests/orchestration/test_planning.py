"""A full run plans one materialization per asset, whatever the date.

Dagster writes an ASSET_MATERIALIZATION_PLANNED event per planned (asset, partition) to the run
history when the run is created, before its first step. With the text assets partitioned by
month, `cxlink run` over every month since 2022 planned 4,560 of them for 76 assets (60 per
asset, one more every month); unpartitioned, it is one per asset.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster._core.events import DagsterEventType

from cxlink.settings import Settings
from orchestration.automation import ALL_JOB_NAME


def test_a_full_run_plans_one_materialization_per_asset(dbt_manifest: Path, tmp_path: Path):
    from orchestration.definitions import build_definitions

    defs = build_definitions(Settings.from_env({"CXLINK_DATA_DIR": str(tmp_path)}))
    job = defs.resolve_job_def(ALL_JOB_NAME)
    graph = defs.resolve_asset_graph()
    assets = {key for key in graph.get_all_asset_keys() if graph.get(key).is_executable}
    with dg.DagsterInstance.ephemeral() as instance:
        # what `cxlink run`, the schedule and the sensor launch: the job with no partition tags
        run = instance.create_run_for_job(job)
        planned = instance.all_logs(
            run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        )
        checks = instance.all_logs(
            run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
        )
    keys = [event.dagster_event.asset_key for event in planned]
    assert len(keys) == len(set(keys)) == len(assets) > 60
    assert set(keys) == assets
    assert len(checks) == len(graph.asset_check_keys)
