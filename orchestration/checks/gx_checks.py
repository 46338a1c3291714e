"""great-expectations suites as blocking asset checks on the extract assets ``raw/<entity>``.

Each check reads ``raw.<entity>`` read-only from the warehouse and validates it against
``expectations/<entity>.json`` (see ``cxlink.quality``). A failed check has ERROR severity and,
being blocking, stops the assets downstream of ``raw/<entity>`` in the same run.
"""

# No ``from __future__ import annotations``: Dagster inspects the resource annotation object.
from collections.abc import Iterable

import dagster as dg

from cxlink.quality.gx_validation import ValidationSummary, validate_table
from orchestration.resources import Warehouse


def check_name(entity: str) -> str:
    return f"gx_raw_{entity}"


def check_result(summary: ValidationSummary) -> dg.AssetCheckResult:
    """The asset-check result for a validation summary: the statistics and every failure."""
    failed = ", ".join(
        f"{f['expectation']}({f['column']})" if f["column"] else f["expectation"]
        for f in summary.failures
    )
    return dg.AssetCheckResult(
        passed=summary.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"{summary.successful}/{summary.evaluated} expectations of {summary.suite} passed"
            + (f"; failed: {failed}" if failed else "")
        ),
        metadata={
            "rows": summary.rows,
            "evaluated": summary.evaluated,
            "successful": summary.successful,
            "unsuccessful": summary.unsuccessful,
            "success_percent": dg.MetadataValue.float(summary.success_percent),
            "failures": dg.MetadataValue.json(summary.failures),
            "failures_table": dg.MetadataValue.md(summary.failures_markdown()),
            "seconds": dg.MetadataValue.float(summary.seconds),
        },
    )


def build_gx_asset_check(entity: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", entity]),
        name=check_name(entity),
        blocking=True,
        description=(
            f"great-expectations suite expectations/{entity}.json on raw.{entity}: keys, "
            "required values, enumerations, ISO codes, plausible dates, numeric types and ranges."
        ),
    )
    def _gx_check(warehouse: Warehouse) -> dg.AssetCheckResult:
        try:
            summary = validate_table(warehouse.warehouse_path(), entity)
        except (FileNotFoundError, LookupError) as error:
            return dg.AssetCheckResult(
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                description=f"raw.{entity} could not be validated: {error}",
                metadata={"error": str(error)},
            )
        return check_result(summary)

    return _gx_check


def build_gx_asset_checks(entities: Iterable[str]) -> list[dg.AssetChecksDefinition]:
    """One blocking great-expectations check per entity, named ``gx_raw_<entity>``."""
    return [build_gx_asset_check(entity) for entity in entities]
