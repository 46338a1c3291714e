"""One benchmark stage in its own process, so its peak memory is its own.

The whole pipeline is timed as users run it, `cxlink run`, by benchmarks/command.py.

Prints one JSON line: {"stage", "seconds", "peak_rss_mb", ...figures}.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from cxlink.contract import ENTITY_ORDER
from cxlink.settings import DBT_PROJECT_DIR, Settings


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # ru_maxrss is in KiB on Linux


def generate(settings: Settings, customers: int) -> dict:
    from cxlink.demo import generate as generate_demo

    report = generate_demo(settings.landing_dir, customers=customers, seed=42, overwrite=True)
    return {"customers": customers, "report": str(report)[:200]}


def extract(settings: Settings) -> dict:
    import duckdb

    from cxlink.extract import extract_entity

    settings.warehouse_path.unlink(missing_ok=True)
    con = duckdb.connect(str(settings.warehouse_path))
    rows = 0
    for entity in ENTITY_ORDER:
        rows += extract_entity(con, settings.landing_dir, entity).counts.rows_in
    con.close()
    return {"rows": rows}


def bare_read(settings: Settings) -> dict:
    """Baseline: DuckDB reading the same landing files into tables, no contract, no manifest."""
    import duckdb

    path = settings.data_dir / "baseline.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    readers = {".csv": "read_csv", ".parquet": "read_parquet", ".jsonl": "read_json"}
    rows = 0
    for entity in ENTITY_ORDER:
        for i, file in enumerate(sorted((settings.landing_dir / entity).glob("*.*"))):
            reader = readers.get(file.suffix)
            if reader:
                con.execute(f"create table {entity}_{i} as select * from {reader}('{file}')")
                rows += con.execute(f"select count(*) from {entity}_{i}").fetchone()[0]
    con.close()
    path.unlink(missing_ok=True)
    return {"rows": rows}


def checks(settings: Settings) -> dict:
    from cxlink.quality.gx_validation import validate_table

    results = {e: validate_table(settings.warehouse_path, e).success for e in ENTITY_ORDER}
    return {"passed": all(results.values())}


def _dbt(settings: Settings, *args: str) -> None:
    # The same --vars the pipeline's dbt step passes (data_dir, DuckDB threads, finance vars).
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run(
        [
            str(dbt),
            *args,
            *settings.dbt_vars_args(),
            "--quiet",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "DO_NOT_TRACK": "1"},
        check=True,
    )


def _target(settings: Settings) -> Path:
    # Not dbt_project/target: the benchmark must not replace the manifest Dagster loads.
    return settings.data_dir / "dbt_target"


def dbt_build(settings: Settings) -> dict:
    """Every model, data test and unit test, as the pipeline's dbt step runs them."""
    _dbt(settings, "build", "--target-path", str(_target(settings)))
    return {}


def python_models() -> list[str]:
    """dbt Python models (models/**/*.py): DuckDB cannot run them as SQL."""
    return sorted(p.stem for p in (DBT_PROJECT_DIR / "models").rglob("*.py"))


def dbt_run(settings: Settings) -> dict:
    """SQL models only (no tests, no Python models): what the direct-SQL baseline also does.

    Python models stay out of both sides of the comparison (their tables from the build stage
    stay in the warehouse)."""
    excluded = python_models()
    exclude = ["--exclude", *excluded] if excluded else []
    _dbt(settings, "run", "--target-path", str(_target(settings)), *exclude)
    return {"python_models_excluded": len(excluded)}


def model_statements(manifest: dict) -> list[str]:
    """The compiled SQL of every model, as CREATE statements in dependency order."""
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["config"].get("enabled", True)
        and node.get("language", "sql") == "sql"
    }
    done: set[str] = set()
    ordered: list[str] = []

    def visit(uid: str) -> None:
        if uid in done:
            return
        done.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            if parent in nodes:
                visit(parent)
        ordered.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    statements = []
    for uid in ordered:
        node = nodes[uid]
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        relation = f'"{node["schema"]}"."{node["alias"] or node["name"]}"'
        statements.append(f'create schema if not exists "{node["schema"]}"')
        statements.append(f"create or replace {kind} {relation} as {node['compiled_code']}")
    return statements


def sql_direct(settings: Settings) -> dict:
    """Baseline for dbt's overhead: the SQL `dbt run` compiled, run directly in DuckDB.

    Needs the dbt_run stage first (its manifest carries the compiled SQL). Relations are
    replaced in the same warehouse, so both runs read the same inputs and write the same tables.
    """
    import duckdb

    manifest = json.loads((_target(settings) / "manifest.json").read_text())
    statements = model_statements(manifest)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        # the same DuckDB threads as the dbt profile gives dbt's queries
        con.execute(f"set threads = {settings.duckdb_threads}")
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return {"models": sum(1 for s in statements if not s.startswith("create schema"))}


def main() -> None:
    stage, data_dir = sys.argv[1], Path(sys.argv[2])
    # The stage's data directory replaces CXLINK_DATA_DIR; every other setting is the caller's.
    settings = Settings.from_env({**os.environ, "CXLINK_DATA_DIR": str(data_dir)})
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if stage == "generate":
        figures = generate(settings, int(sys.argv[3]))
    else:
        figures = {
            "extract": extract,
            "bare_read": bare_read,
            "checks": checks,
            "dbt_build": dbt_build,
            "dbt_run": dbt_run,
            "sql_direct": sql_direct,
        }[stage](settings)
    seconds = time.perf_counter() - start
    print(json.dumps({"stage": stage, "seconds": seconds, "peak_rss_mb": _peak_mb(), **figures}))


if __name__ == "__main__":
    main()
