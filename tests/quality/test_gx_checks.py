"""The great-expectations asset checks inside Dagster: blocking, named, with their statistics."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cxlink.contract import ENTITY_ORDER
from orchestration.checks.gx_checks import build_gx_asset_checks
from tests.warehouse import GOOD_ROWS, create_raw_table


class StandInWarehouse(dg.ConfigurableResource):
    """Just enough of orchestration.resources.Warehouse for the checks."""

    path: str

    def warehouse_path(self) -> Path:
        return Path(self.path)


def test_one_blocking_check_per_entity():
    checks = build_gx_asset_checks(ENTITY_ORDER)
    specs = [spec for check in checks for spec in check.check_specs]
    assert [(s.asset_key.path, s.name) for s in specs] == [
        (["raw", e], f"gx_raw_{e}") for e in ENTITY_ORDER
    ]
    assert all(s.blocking for s in specs)
    assert all("warehouse" in check.required_resource_keys for check in checks)


def run_feedback(tmp_path: Path, spoil: str | None) -> dg.ExecuteInProcessResult:
    @dg.asset(key=dg.AssetKey(["raw", "feedback"]))
    def raw_feedback(warehouse: StandInWarehouse) -> None:
        with duckdb.connect(str(warehouse.warehouse_path())) as con:
            create_raw_table(con, "feedback", GOOD_ROWS["feedback"])
            if spoil:
                con.execute(spoil)

    @dg.asset(deps=[raw_feedback])
    def downstream() -> None:
        pass

    return dg.materialize(
        [raw_feedback, downstream, *build_gx_asset_checks(["feedback"])],
        resources={"warehouse": StandInWarehouse(path=str(tmp_path / "warehouse.duckdb"))},
        raise_on_error=False,
    )


def test_check_passes_on_good_data(tmp_path: Path):
    result = run_feedback(tmp_path, spoil=None)
    assert result.success
    (evaluation,) = result.get_asset_check_evaluations()
    assert (evaluation.asset_key.path, evaluation.check_name) == (
        ["raw", "feedback"],
        "gx_raw_feedback",
    )
    assert evaluation.passed
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert metadata["unsuccessful"] == 0 and metadata["evaluated"] == metadata["successful"] > 10
    assert metadata["success_percent"] == 100.0 and metadata["failures"] == []
    assert result.asset_materializations_for_node("downstream")


@pytest.mark.parametrize(
    ("spoil", "expectation"),
    [
        (
            "update raw.feedback set score = 11 where response_id = 'R1'",
            "expect_column_values_to_be_between",
        ),
        ("update raw.feedback set channel = 'fax'", "expect_column_values_to_be_in_set"),
    ],
)
def test_failed_check_is_an_error_and_blocks_downstream(
    tmp_path: Path, spoil: str, expectation: str
):
    result = run_feedback(tmp_path, spoil)
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    failures = evaluation.metadata["failures"].value
    assert [f["expectation"] for f in failures] == [expectation]
    assert expectation in evaluation.metadata["failures_table"].value
    assert evaluation.metadata["unsuccessful"].value == 1
    # blocking: the run fails and the asset downstream of raw/feedback is not materialised
    assert not result.success
    assert not result.asset_materializations_for_node("downstream")


def test_missing_table_fails_the_check_with_a_reason(tmp_path: Path):
    @dg.asset(key=dg.AssetKey(["raw", "feedback"]))
    def raw_feedback(warehouse: StandInWarehouse) -> None:
        duckdb.connect(str(warehouse.warehouse_path())).close()

    result = dg.materialize(
        [raw_feedback, *build_gx_asset_checks(["feedback"])],
        resources={"warehouse": StandInWarehouse(path=str(tmp_path / "warehouse.duckdb"))},
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert "raw.feedback" in evaluation.metadata["error"].value
