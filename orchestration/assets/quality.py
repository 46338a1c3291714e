"""Quality assets: the quarantine ledger, proving that no row is lost."""

import dagster as dg

from cxlink.contract import ENTITY_ORDER
from cxlink.extract.ledger import build_ledger, build_source_ledger, unbalanced_entities
from orchestration.resources import Warehouse

LEDGER_KEY = dg.AssetKey(["quarantine", "ledger"])


@dg.asset(
    key=LEDGER_KEY,
    group_name="quality",
    kinds={"duckdb"},
    deps=[dg.AssetKey(["raw", name]) for name in ENTITY_ORDER],
    description=(
        "quarantine.ledger: per entity, rows in the landing store = rows in raw + rows "
        "quarantined, with the quarantined rows counted per rule; quarantine.source_ledger: the "
        "same balance per origin (each source, and landing/<entity>/ files)."
    ),
)
def quarantine_ledger(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        ledger = build_ledger(con)
        by_origin = build_source_ledger(con)
    origins = "\n".join(
        f"| {r.origin} | {r.entity} | {r.rows_in} | {r.rows_raw} | {r.rows_quarantined} |"
        for r in by_origin
    )
    table = "\n".join(
        f"| {r.entity} | {r.rows_in} | {r.rows_raw} | {r.rows_quarantined} |" for r in ledger
    )
    return dg.MaterializeResult(
        metadata={
            "ledger": dg.MetadataValue.md(
                "| entity | rows in | raw | quarantined |\n|---|---|---|---|\n" + table
            ),
            "by_origin": dg.MetadataValue.md(
                "| origin | entity | rows in | raw | quarantined |\n|---|---|---|---|---|\n"
                + origins
            ),
            "rows_quarantined": sum(r.rows_quarantined for r in ledger),
        }
    )


@dg.asset_check(asset=LEDGER_KEY, name="rows_in_equal_raw_plus_quarantined", blocking=True)
def ledger_balances(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = unbalanced_entities(con)
    return dg.AssetCheckResult(
        passed=not bad, metadata={"unbalanced_entities": dg.MetadataValue.json(bad)}
    )
