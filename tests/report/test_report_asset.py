"""The publish/report asset: runs after the publish, writes report/index.html read-only."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from cxlink.report.charts import CHARTS
from cxlink.settings import Settings
from orchestration.resources import Warehouse
from tests.report import handmade


@pytest.fixture
def report_asset(dbt_manifest: Path):
    from orchestration.assets.report import report

    return report


def test_the_report_runs_after_the_publish(report_asset):
    key = dg.AssetKey(["publish", "report"])
    assert report_asset.key == key
    assert set(report_asset.asset_deps[key]) == {dg.AssetKey(["publish", "bi_copy"])}
    assert report_asset.group_names_by_key[key] == "publish"


def test_the_report_is_part_of_every_run(dbt_manifest: Path, tmp_path: Path):
    from orchestration.automation import ALL_JOB_NAME
    from orchestration.definitions import build_definitions

    defs = build_definitions(Settings(data_dir=tmp_path))
    job = defs.resolve_job_def(ALL_JOB_NAME)
    assert "publish__report" in {node.name for node in job.graph.node_defs}


def test_the_asset_writes_the_page_from_the_warehouse_read_only(report_asset, tmp_path: Path):
    path = handmade.build(tmp_path / "warehouse.duckdb", without=("marts.nps_drivers",))
    before = path.stat().st_mtime_ns
    resources = {
        "warehouse": Warehouse(data_dir=str(tmp_path)),
        "settings": Settings(data_dir=tmp_path),
    }
    result = dg.materialize([report_asset], resources=resources)
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    page = tmp_path / "report" / "index.html"
    assert metadata["path"].value == str(page)
    assert metadata["bytes"].value == page.stat().st_size
    assert metadata["charts"].value == [c.id for c in CHARTS if c.id != "nps-drivers"]
    assert list(metadata["charts_without_data"].value) == ["nps-drivers"]
    assert path.stat().st_mtime_ns == before  # read only
