"""great-expectations suites as blocking asset checks on the extract assets."""

from collections.abc import Iterable

import dagster as dg

from cxlink.quality.gx_validation import ValidationSummary, validate_table
from orchestration.resources import Warehouse


def check_result(summary: ValidationSummary) -> dg.AssetCheckResult:
    failures = "\n".join(
        f"| {f.expectation} | {f.column or ''} | {f.unexpected_count if f.unexpected_count is not None else ''} "
        f"| {', '.join(f.examples)[:200]} |"
        for f in summary.failures
    )
    return dg.AssetCheckResult(
        passed=summary.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows": summary.rows,
            "evaluated": summary.evaluated,
            "successful": summary.successful,
            "unsuccessful": summary.unsuccessful,
            "success_percent": summary.success_percent,
            "failures": dg.MetadataValue.md(
                "| expectation | column | unexpected | examples |\n|---|---|---|---|\n"
                + (failures or "| (none) | | | |")
            ),
        },
    )


def build_gx_check(entity: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", entity]),
        name=f"gx_raw_{entity}",
        blocking=True,
        description=f"great-expectations suite expectations/{entity}.json on raw.{entity}",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        return check_result(validate_table(warehouse.warehouse_path(), entity))

    return _check


def build_gx_asset_checks(entities: Iterable[str]) -> list[dg.AssetChecksDefinition]:
    return [build_gx_check(entity) for entity in entities]
