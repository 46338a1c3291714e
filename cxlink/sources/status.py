"""`cxlink sources`: the sources file checked, each source with what it feeds and where it
stands (files loaded, objects stored, cursors), so a user can see what the next run will do."""

from __future__ import annotations

import duckdb

from cxlink.contract import ENTITY_ORDER
from cxlink.duckdb_sql import table_exists
from cxlink.settings import Settings
from cxlink.sources.config import SourcesConfig, load_sources
from cxlink.sources.model import FileKind, Source


def _state(con: duckdb.DuckDBPyConnection | None, source: Source) -> str:
    if con is None:
        return "not run yet"
    if isinstance(source.kind, FileKind):
        if not table_exists(con, "landing", "load_manifest"):
            return "not run yet"
        files, rows = con.execute(
            "select count(*), coalesce(sum(rows), 0) from landing.load_manifest "
            "where starts_with(file_path, ?)",
            [f"{source.landing_folder}/"],
        ).fetchone()
        return f"{files} file(s), {rows} row(s) loaded"
    if not table_exists(con, "landing", "source_cursors"):
        return "not run yet"
    cursors = con.execute(
        "select resource, cursor from landing.source_cursors where source = ? order by resource",
        [source.name],
    ).fetchall()
    objects = con.execute(
        "select count(*) from landing.source_objects where source = ?", [source.name]
    ).fetchone()[0]
    where = ", ".join(f"{r} at {c}" for r, c in cursors) or "no cursor yet"
    return f"{objects} object(s) stored; {where}"


def source_lines(settings: Settings, config: SourcesConfig) -> list[str]:
    if config.path is None:
        return [
            f"No sources file at {settings.sources_path}: every entity reads "
            f"{settings.landing_dir}/<entity>/ in the landing contract (docs/sources.md)."
        ]
    lines = [f"sources file {config.path}: {len(config.sources)} source(s)", ""]
    path = settings.warehouse_path
    con = duckdb.connect(str(path), read_only=True) if path.exists() else None
    try:
        for source in config.sources:
            where = (
                f"files in {settings.landing_dir / source.landing_folder}/"
                if isinstance(source.kind, FileKind)
                else source.options.get("base_url") or ""
            )
            lines.append(f"{source.name} ({source.kind_name}) -> {', '.join(source.entities)}")
            lines.append(f"    reads {where}; {_state(con, source)}")
    finally:
        if con is not None:
            con.close()
    contract = [e for e in ENTITY_ORDER if not config.feeding(e)]
    lines += ["", "from landing/<entity>/ in the contract: " + (", ".join(contract) or "none")]
    return lines


def print_sources(settings: Settings) -> int:
    config = load_sources(settings.sources_path)
    print("\n".join(source_lines(settings, config)))
    return 0
