"""Source assets: one per entry of the sources file, ``source/<name>``.

Each brings its source up to date in the landing store (new export files, or what changed in
the API / database since the stored cursor) as contract rows; the ``raw/<entity>`` assets then
validate them like landing files. A source that cannot be read (an unreadable export file, an
API or database out of reach) does not fail its asset: the entities it feeds keep the rows
staged before, the problem is recorded in ``landing.load_errors`` with the source as origin and
logged at ERROR level, and dbt's ``no_unreadable_files`` test on each entity it feeds stops the
models that depend on them (as for a landing file: docs/operations.md).
"""

# No `from __future__ import annotations`: Dagster reads the asset function's `config:
# SourceRunConfig` annotation at definition time and cannot resolve it as a string.
import os

import dagster as dg

from cxlink.extract.load_errors import record_load_errors
from cxlink.settings import Settings
from cxlink.sources.model import Source
from cxlink.sources.rows import SourceError
from cxlink.sources.sync import SourceReport, sync_source
from orchestration.resources import Warehouse


class SourceRunConfig(dg.Config):
    full_reload: bool = False  # forget the cursors (or file manifest) and read everything again


def source_asset_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["source", name])


def source_metadata(report: SourceReport) -> dict[str, dg.MetadataValue | int | str]:
    files = "\n".join(
        f"| {f.relative_path} | {f.status} | {'' if f.rows is None else f.rows} |"
        for f in report.files
    )
    fetched = "\n".join(
        f"| {resource} | {report.pages[resource]} | {n} |" for resource, n in report.fetched.items()
    )
    staged = "\n".join(
        f"| {entity} | {n} | {report.refused[entity]} |" for entity, n in report.staged.items()
    )
    metadata: dict[str, dg.MetadataValue | int | str] = {
        "kind": report.kind,
        "rows_staged": sum(report.staged.values()),
        "rows_refused_by_source_rules": sum(report.refused.values()),
        "staged": dg.MetadataValue.md(
            "| entity | rows | refused by a source rule |\n|---|---|---|\n" + staged
        ),
    }
    if report.files or report.ignored_files:
        metadata["files"] = dg.MetadataValue.md(
            "| file | status | rows |\n|---|---|---|\n" + (files or "| (none) | | |")
        )
        metadata["ignored_files"] = dg.MetadataValue.json(report.ignored_files)
    if report.fetched:
        metadata["fetched"] = dg.MetadataValue.md(
            "| resource | pages | objects |\n|---|---|---|\n" + fetched
        )
        metadata["objects_fetched"] = sum(report.fetched.values())
    return metadata


def build_source_asset(source: Source, env: dict[str, str] | None = None) -> dg.AssetsDefinition:
    """``source/<name>``. Credentials are read from ``env`` when given (the connector demo's
    stand-in keys), else from the run's environment."""

    @dg.asset(
        key=source_asset_key(source.name),
        group_name="sources",
        kinds={"duckdb"},
        description=(
            f"Source {source.name} ({source.kind_name}): {source.kind.doc} Feeds "
            f"{', '.join(source.entities)} (staged into landing.<entity>; docs/sources.md)."
        ),
    )
    def _source(
        context: dg.AssetExecutionContext,
        config: SourceRunConfig,
        warehouse: Warehouse,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            try:
                report = sync_source(
                    con,
                    warehouse.landing_dir(),
                    source,
                    full_reload=config.full_reload,
                    log=context.log.info,
                    env=dict(os.environ) if env is None else env,
                    keep_removed=settings.keep_removed_files,
                )
            except SourceError as exc:
                problems: list[tuple[str | None, str]] = [(None, str(exc))]
                context.log.error(
                    f"{exc}; {', '.join(source.entities)} keep(s) the rows staged before and "
                    "the models that depend on them are not built until it is fixed"
                )
                for entity in source.entities:
                    record_load_errors(con, entity, source.name, problems)
                return dg.MaterializeResult(metadata={"kind": source.kind_name, "error": str(exc)})
            failed = [f for f in report.files if f.error]
            for entity in source.entities:
                record_load_errors(
                    con, entity, source.name, [(f.relative_path, f.problem or "") for f in failed]
                )
        metadata = source_metadata(report)
        for outcome in failed:
            context.log.error(
                f"{outcome.error}; source {source.name} keeps its earlier rows and the models that "
                "depend on it are not built until the file is fixed (then rerun)"
            )
        context.log.info(
            f"{source.name}: "
            + ", ".join(
                f"{entity} {n} rows ({report.refused[entity]} refused)"
                for entity, n in report.staged.items()
            )
        )
        return dg.MaterializeResult(metadata=metadata)

    return _source
