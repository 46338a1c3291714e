"""Publishing: the BI copy ``cxlink_bi.duckdb`` and the finance exports, once every mart is built.

The asset depends on every dbt model in schema ``marts`` (read from the dbt manifest when the
code location loads), so it runs only after the marts are built and their blocking checks pass.
It first removes what a killed publish left (``cxlink.publish.clean_leftovers``), then publishes
the copy and the exports as one version (``cxlink.publish.release``).
"""

import dagster as dg

from cxlink.publish import (
    ExportOptions,
    PersonalDataError,
    PublishError,
    Release,
    mart_docs,
    mart_models,
    publish,
)
from cxlink.settings import Settings
from orchestration.dbt_project import dbt_project
from orchestration.resources import Warehouse

PUBLISH_KEY = dg.AssetKey(["publish", "bi_copy"])
MART_SCHEMA = "marts"


def mart_asset_keys() -> list[dg.AssetKey]:
    """Asset keys of the dbt models built into schema ``marts`` (as CxlinkDbtTranslator keys them)."""
    return [
        dg.AssetKey([MART_SCHEMA, name])
        for name in mart_models(dbt_project.manifest_path, MART_SCHEMA)
    ]


def publish_metadata(release: Release) -> dict[str, dg.MetadataValue | int | str]:
    report, exports = release.copy, release.exports
    rows = "\n".join(f"| {name} | {n} |" for name, n in sorted(report.tables.items()))
    files = "\n".join(
        f"| {f.relative_to(exports.exports_dir)} | {f.format} | {f.rows} | {f.bytes} |"
        for f in exports.files
    )
    return {
        "version": release.version,
        "path": dg.MetadataValue.path(str(report.path)),
        "bytes": report.bytes,
        "tables": dg.MetadataValue.json(sorted(report.tables)),
        "dagster/row_count": report.total_rows,
        "rows_per_table": dg.MetadataValue.md("| table | rows |\n|---|---|\n" + rows),
        "run_date": report.run_date.isoformat(),
        "data_window": str(report.window),
        "exports_dir": dg.MetadataValue.path(str(exports.exports_dir)),
        "exported_files": dg.MetadataValue.md(
            "| file | format | rows | bytes |\n|---|---|---|---|\n" + files
        ),
        "workbook_sheets": dg.MetadataValue.json(exports.workbook_sheets),
    }


@dg.asset(
    key=PUBLISH_KEY,
    group_name="publish",
    kinds={"duckdb", "parquet", "excel"},
    deps=mart_asset_keys(),
    description=(
        "The marts, published: $CXLINK_DATA_DIR/cxlink_bi.duckdb (a separate DuckDB file for BI "
        "tools: the mart tables only, no personal data, replaced atomically), and "
        "exports/parquet/<mart>.parquet, exports/csv/<mart>.csv and exports/cxlink_finance.xlsx "
        "(finance tables with a README sheet of column descriptions): one version, recorded in "
        "meta.publish_info, the workbook's README and exports/PUBLISHED.json; exports/ is a "
        "symlink switched atomically. Leftovers of a killed publish are removed first."
    ),
)
def bi_copy(
    context: dg.AssetExecutionContext, warehouse: Warehouse, settings: dg.ResourceParam[Settings]
) -> dg.MaterializeResult:
    layout = warehouse.layout()
    options = ExportOptions(csv_dialect=settings.csv_dialect, currency=settings.reporting_currency)
    target = layout.bi_copy_path
    docs = mart_docs(dbt_project.manifest_path, MART_SCHEMA)
    try:
        # Read-only: the warehouse stays readable by others, and nothing here can change it.
        with warehouse.connect(read_only=True) as con:
            release = publish(
                con,
                layout,
                (MART_SCHEMA,),
                docs=docs,
                only=mart_models(dbt_project.manifest_path, MART_SCHEMA),
                options=options,
            )
    except PublishError as exc:
        kind = "personal data" if isinstance(exc, PersonalDataError) else "verification"
        raise dg.Failure(
            description=f"BI copy not published ({kind}); {target} is unchanged:\n{exc}"
        ) from exc
    if release.leftovers:
        names = [p.name for p in release.leftovers]
        more = f" and {len(names) - 5} more" if len(names) > 5 else ""
        context.log.info(
            f"removed {len(names)} leftover(s) of an interrupted publish: "
            f"{', '.join(names[:5])}{more}"
        )
        for path in release.leftovers:
            context.log.debug(f"removed leftover {path}")
    report, exports = release.copy, release.exports
    context.log.info(
        f"published version {release.version}: {len(report.tables)} tables "
        f"({report.total_rows} rows, {report.bytes} bytes) to {target}, {len(exports.files)} "
        f"files to {exports.exports_dir} (workbook sheets: {', '.join(exports.workbook_sheets)}); "
        f"data window {report.window}"
    )
    for path in exports.removed_versions:
        context.log.debug(f"removed the previous exports set {path}")
    return dg.MaterializeResult(metadata=publish_metadata(release))
