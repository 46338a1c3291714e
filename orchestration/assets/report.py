"""The report: ``$CXLINK_DATA_DIR/report/index.html``, written after every publish.

It runs after ``publish/bi_copy`` (so a run whose publish failed keeps the previous report,
which matches the cxlink_bi.duckdb still in place) and reads the warehouse read-only: the marts it
has just published and the quarantine, which the BI copy leaves out. docs/report.md.
"""

import dagster as dg

from cxlink.report import write_report
from cxlink.settings import Settings
from orchestration.assets.publish import PUBLISH_KEY
from orchestration.resources import Warehouse

REPORT_KEY = dg.AssetKey(["publish", "report"])


@dg.asset(
    key=REPORT_KEY,
    group_name="publish",
    kinds={"html", "plotly"},
    deps=[PUBLISH_KEY],
    description=(
        "The report with charts, $CXLINK_DATA_DIR/report/index.html: headline figures with "
        "their intervals, NPS trends, retention by NPS category, churn gap and revenue at "
        "risk, the MRR bridge, CLV/CAC and payback, topic impact, drivers and alerts, rows "
        "quarantined by rule. One self-contained file (plotly.js inline: opens offline); a "
        "chart without data says why. `make report` serves it."
    ),
)
def report(
    context: dg.AssetExecutionContext, warehouse: Warehouse, settings: dg.ResourceParam[Settings]
) -> dg.MaterializeResult:
    with warehouse.connect(read_only=True) as con:
        result = write_report(settings, con)
    missing = "; ".join(f"{chart}: {why}" for chart, why in result.no_data.items())
    context.log.info(
        f"report written to {result.path}: {len(result.charts)} charts"
        + (f", {len(result.no_data)} without data ({missing})" if result.no_data else "")
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.path)),
            "bytes": result.bytes,
            "charts": dg.MetadataValue.json(result.charts),
            "charts_without_data": dg.MetadataValue.json(result.no_data),
        }
    )
