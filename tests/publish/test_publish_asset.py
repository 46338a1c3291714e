"""The publish/bi_copy asset: wired after every mart, publishes and exports read-only."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest

from cxlink.publish import FINANCE_TABLES, mart_models
from cxlink.settings import Settings
from orchestration.resources import Warehouse
from tests.publish.conftest import build_warehouse, leftovers, sha256


def resources_for(data_dir: Path, **settings: str) -> dict[str, object]:
    """The publish asset's resources: the warehouse, and the settings it reads (the CSV
    dialect, the reporting currency)."""
    return {
        "warehouse": Warehouse(data_dir=str(data_dir)),
        "settings": Settings(data_dir=data_dir, **settings),
    }


@pytest.fixture
def asset_module(dbt_manifest: Path):
    from orchestration.assets import publish

    return publish


@pytest.fixture
def data_dir(tmp_path: Path, dbt_manifest: Path) -> Path:
    """A warehouse with every mart the dbt manifest names, plus one left over from a dropped model."""
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(warehouse))
    existing = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    for name in mart_models(dbt_manifest):
        if name not in existing:
            con.execute(f"create table marts.{name} as select 1 as customers, 'promoter' as x")
    con.execute("create table marts.dropped_model as select 1 as x")
    con.close()
    return tmp_path


def test_asset_depends_on_every_mart_in_the_manifest(asset_module, dbt_manifest: Path):
    spec = asset_module.bi_copy
    key = dg.AssetKey(["publish", "bi_copy"])
    assert spec.key == key
    deps = set(spec.asset_deps[key])
    marts = {dg.AssetKey(["marts", name]) for name in mart_models(dbt_manifest)}
    assert {dg.AssetKey(["marts", "nps_monthly"]), dg.AssetKey(["marts", "nps_overall"])} <= marts
    assert deps == marts
    assert spec.group_names_by_key[key] == "publish"
    assert set(spec.specs_by_key[key].kinds) == {"duckdb", "parquet", "excel"}


def test_asset_publishes_and_exports(asset_module, data_dir: Path, dbt_manifest: Path):
    result = dg.materialize([asset_module.bi_copy], resources=resources_for(data_dir))
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    target = data_dir / "cxlink_bi.duckdb"
    marts = mart_models(dbt_manifest)
    assert metadata["path"].value == str(target)
    assert metadata["tables"].value == [f"marts.{m}" for m in marts]
    assert metadata["bytes"].value == target.stat().st_size
    assert metadata["dagster/row_count"].value > 0
    assert "| marts.nps_monthly | 48 |" in metadata["rows_per_table"].value
    assert "parquet/nps_monthly.parquet" in metadata["exported_files"].value
    # a sheet for every finance table the manifest has (finance marts land as they are built)
    finance = [t for t in FINANCE_TABLES if t in marts]
    assert {"nps_retention_summary", "nps_overall"} <= set(finance)
    assert metadata["workbook_sheets"].value == ["README", *finance]

    con = duckdb.connect(str(target), read_only=True)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    comment = con.execute(
        "select comment from duckdb_columns() where table_name = 'nps_overall' "
        "and column_name = 'responses'"
    ).fetchone()[0]
    con.close()
    assert tables == {*marts, "publish_info"}  # the dropped model's table is not published
    assert comment  # dbt's column description, as a column comment for BI tools

    exports = data_dir / "exports"
    assert sorted(p.name for p in (exports / "parquet").iterdir()) == sorted(
        f"{m}.parquet" for m in marts
    )
    assert sorted(p.name for p in (exports / "csv").iterdir()) == sorted(f"{m}.csv" for m in marts)
    wb = openpyxl.load_workbook(exports / "cxlink_finance.xlsx", read_only=True)
    assert wb.sheetnames == ["README", *finance]
    wb.close()
    assert leftovers(data_dir) == []


def test_asset_fails_on_personal_data_and_keeps_the_previous_copy(asset_module, data_dir: Path):
    resources = resources_for(data_dir)
    assert dg.materialize([asset_module.bi_copy], resources=resources).success
    target = data_dir / "cxlink_bi.duckdb"
    before = sha256(target)

    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    con.execute("update marts.nps_overall set period = 'ceo@example.com'")
    con.close()
    result = dg.materialize([asset_module.bi_copy], resources=resources, raise_on_error=False)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert "personal data" in message and "marts.nps_overall.period" in message
    assert "ceo@" not in message
    assert sha256(target) == before
    assert leftovers(data_dir) == []


def stand_in_mart(name: str) -> dg.AssetsDefinition:
    @dg.asset(key=dg.AssetKey(["marts", name]))
    def _mart() -> None:
        return None

    return _mart


def stand_in_marts(names: list[str], failing_check_on: str | None) -> list:
    """Stand-ins for the dbt mart assets (same keys), and a failing blocking check on one."""
    definitions: list = [stand_in_mart(name) for name in names]
    if failing_check_on:

        @dg.asset_check(asset=dg.AssetKey(["marts", failing_check_on]), blocking=True)
        def categories_add_up() -> dg.AssetCheckResult:
            return dg.AssetCheckResult(passed=False)

        definitions.append(categories_add_up)
    return definitions


@pytest.mark.parametrize("failing", [None, "nps_overall"])
def test_a_failed_blocking_check_on_a_mart_stops_the_publish(
    asset_module, data_dir: Path, dbt_manifest: Path, failing: str | None
):
    result = dg.materialize(
        [*stand_in_marts(mart_models(dbt_manifest), failing), asset_module.bi_copy],
        resources=resources_for(data_dir),
        raise_on_error=False,
    )
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    published = dg.AssetKey(["publish", "bi_copy"]) in materialized
    assert published is (failing is None)
    assert (data_dir / "cxlink_bi.duckdb").exists() is (failing is None)


def test_the_asset_first_removes_what_a_killed_publish_left_and_says_so(
    asset_module, data_dir: Path
):
    killed = [data_dir / "cxlink_bi.duckdb.tmp-31337", data_dir / "cxlink_bi.duckdb.tmp-31337.wal"]
    (data_dir / "exports" / "csv").mkdir(parents=True)  # an old-style exports/ folder
    killed.append(data_dir / "exports" / "csv" / "nps_overall.csv.tmp-31337")
    for path in killed:
        path.write_bytes(b"half-written")
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [asset_module.bi_copy],
        resources=resources_for(data_dir),
        instance=instance,
    )
    assert result.success
    assert not any(p.exists() for p in killed)
    assert leftovers(data_dir) == []
    messages = [e.user_message for e in instance.all_logs(result.run_id)]
    [line] = [m for m in messages if "leftover(s)" in m]  # one line; each path at DEBUG
    assert "removed 3 leftover(s)" in line and "cxlink_bi.duckdb.tmp-31337.wal" in line
    [event] = result.get_asset_materialization_events()
    version = event.materialization.metadata["version"].value
    assert (data_dir / "exports").resolve().name == f"exports-{version}"
