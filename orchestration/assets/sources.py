"""Source assets: one per entry of the sources file, ``source/<name>``.

Each brings its source up to date in the landing store (new export files, or what changed in
the API / database since the stored cursor) as contract rows; the ``raw/<entity>`` assets then
validate them like landing files. A source that fails fails its own asset and the entities it
feeds; the other sources and entities still load.
"""

# No `from __future__ import annotations`: Dagster reads the asset function's `config:
# SourceRunConfig` annotation at definition time and cannot resolve it as a string.
import os

import dagster as dg

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
        context: dg.AssetExecutionContext, config: SourceRunConfig, warehouse: Warehouse
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
                )
            except SourceError as exc:
                raise dg.Failure(description=str(exc)) from None
        metadata = source_metadata(report)
        if report.errors:
            raise dg.Failure(
                description=f"{len(report.errors)} unreadable export file(s) for source "
                f"{source.name}:\n" + "\n".join(report.errors),
                metadata=metadata,
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
