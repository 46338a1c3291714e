"""Extract assets: one per landing entity, landing files -> ``raw.<entity>`` + quarantine.

A file that cannot be read does not fail the asset: the entity keeps its earlier rows, the file
is recorded in ``landing.load_errors`` (``quarantine.files``) and logged at ERROR level, and the
dbt source test ``no_unreadable_files`` on ``raw.<entity>`` then stops the models that depend on
it (docs/design-decisions.md "Extraction and the contract").
"""

import dagster as dg

from cxlink.contract import ENTITIES, ENTITY_ORDER
from cxlink.extract import ExtractReport, extract_entity
from cxlink.settings import Settings
from cxlink.sources.config import SourcesConfig
from orchestration.resources import Warehouse


def extract_metadata(report: ExtractReport) -> dict[str, dg.MetadataValue | int | str]:
    sync, counts = report.sync, report.counts
    rules = "\n".join(f"| {rule} | {n} |" for rule, n in sorted(counts.by_rule.items()))
    files = "\n".join(
        f"| {f.relative_path} | {f.status} | {'' if f.rows is None else f.rows} |"
        for f in sync.files
    )
    return {
        "dagster/row_count": counts.rows_raw,
        "rows_in": counts.rows_in,
        "rows_raw": counts.rows_raw,
        "rows_quarantined": counts.rows_quarantined,
        "files_new": sync.count("new"),
        "files_changed": sync.count("changed"),
        "files_unchanged": sync.count("unchanged"),
        "files_failed": sync.count("failed"),
        "files": dg.MetadataValue.md("| file | status | rows loaded |\n|---|---|---|\n" + files),
        "quarantine_by_rule": dg.MetadataValue.md(
            "| rule | rows |\n|---|---|\n" + (rules or "| (none) | 0 |")
        ),
        "missing_from_landing": dg.MetadataValue.json(sync.missing_from_landing),
        "removed_file_rows": dg.MetadataValue.json(sync.removed_rows),
        "superseded_file_rows": dg.MetadataValue.json(sync.superseded_rows),
        "ignored_files": dg.MetadataValue.json(report.ignored_reasons),
        "unreadable_files": dg.MetadataValue.json(
            {f.relative_path: f.problem or f.error for f in sync.files if f.error}
        ),
    }


def log_report(context: dg.AssetExecutionContext, report: ExtractReport, sources) -> None:
    """The extract's lines for a person: counts, what was removed or skipped, and each
    unreadable file (ERROR) with what to do."""
    name = report.entity
    for origin_name, n in report.retired_rows.items():
        context.log.warning(
            f"{name}: {n} rows from {origin_name} retired (it no longer feeds {name}; see the "
            "sources file)"
        )
    for path, n in report.sync.removed_rows.items():
        context.log.warning(
            f"landing/{path} is no longer in the landing zone: its {n} rows were removed from "
            f"{name} (set CXLINK_KEEP_REMOVED_FILES=true to keep the rows of removed files)"
        )
    for path, n in report.sync.superseded_rows.items():
        context.log.warning(
            f"landing/{path} is no longer in the landing zone and its rows are kept "
            f"(CXLINK_KEEP_REMOVED_FILES=true), but {n} of them were replaced by rows with the "
            f"same key in the files that are there"
        )
    if sources and report.ignored_files:
        context.log.warning(
            f"{name} is fed by source(s) {', '.join(sources)}: "
            f"{len(report.ignored_files)} file(s) under landing/{name}/ are not read"
        )
    elif report.ignored_files:
        for path, reason in report.ignored_reasons.items():
            context.log.warning(f"landing/{path} is not read: {reason}")
    for outcome in report.sync.files:
        context.log.debug(f"{outcome.relative_path}: {outcome.status} ({outcome.rows} rows)")
        if outcome.error:
            context.log.error(
                f"{outcome.error}; {name} keeps its earlier rows and the models that depend on "
                f"it are not built until the file is fixed (then rerun)"
            )
    counts = report.counts
    # DEBUG: the run's stage line already shows the raw and quarantined counts.
    context.log.debug(
        f"{name}: {counts.rows_in} rows in = {counts.rows_raw} raw + "
        f"{counts.rows_quarantined} quarantined"
        + (f", {len(report.errors)} unreadable file(s)" if report.errors else "")
    )


def build_extract_asset(entity_name: str, sources: tuple[str, ...] = ()) -> dg.AssetsDefinition:
    """``raw/<entity>``: from ``landing/<entity>/`` files, or from the rows the ``sources`` that
    feed it staged (then their ``source/<name>`` assets come first)."""
    entity = ENTITIES[entity_name]
    parents = sorted({parent for parent, _ in entity.references.values()})
    origin = (
        f"Rows staged by source(s) {', '.join(sources)}"
        if sources
        else f"Landing files under landing/{entity_name}/"
    )

    @dg.asset(
        key=dg.AssetKey(["raw", entity_name]),
        group_name="extract",
        kinds={"duckdb"},
        deps=[dg.AssetKey(["raw", parent]) for parent in parents]
        + [dg.AssetKey(["source", name]) for name in sources],
        description=(
            f"{entity.description} {origin} loaded idempotently (load manifest) into "
            f"raw.{entity_name}; rows that break the contract go to quarantine.{entity_name} "
            "with a reason."
        ),
    )
    def _extract(
        context: dg.AssetExecutionContext,
        warehouse: Warehouse,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        landing_dir = warehouse.landing_dir()
        context.log.debug(
            f"extracting {entity_name} from "
            + (f"source(s) {', '.join(sources)}" if sources else str(landing_dir / entity_name))
        )
        with warehouse.connect() as con:
            report = extract_entity(
                con, landing_dir, entity_name, list(sources), settings.keep_removed_files
            )
        log_report(context, report, sources)
        if not report.sync.files and not entity.optional and not sources:
            context.log.warning(
                f"no landing files for {entity_name} under {landing_dir / entity_name}"
            )
        return dg.MaterializeResult(metadata=extract_metadata(report))

    return _extract


def build_extract_assets(sources: SourcesConfig | None = None) -> list[dg.AssetsDefinition]:
    """One ``raw/<entity>`` asset per contract entity, wired to the sources that feed it."""
    config = sources or SourcesConfig(path=None)
    return [
        build_extract_asset(name, tuple(s.name for s in config.feeding(name)))
        for name in ENTITY_ORDER
    ]


extract_assets = build_extract_assets()
