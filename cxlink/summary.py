"""The run summary printed by `make demo` / `make run`: what is where, and the headline NPS."""

from __future__ import annotations

import duckdb

from cxlink.extract.ledger import read_ledger, read_source_ledger
from cxlink.settings import Settings


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "order by table_name",
            [schema],
        ).fetchall()
    ]


def _rows(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    return con.execute(f'select count(*) from {schema}."{table}"').fetchone()[0]


def summary_lines(settings: Settings) -> list[str]:
    path = settings.warehouse_path
    if not path.exists():
        return [f"No warehouse at {path} yet: run `make run` (or `make demo`)."]
    con = duckdb.connect(str(path), read_only=True)
    try:
        lines = [f"cxlink summary: warehouse {path}", ""]
        lines.append(f"{'entity':<16}{'landing':>10}{'raw':>10}{'quarantined':>13}")
        for row in read_ledger(con):
            lines.append(
                f"{row.entity:<16}{row.rows_in:>10}{row.rows_raw:>10}{row.rows_quarantined:>13}"
            )
        origins = [r for r in read_source_ledger(con) if not r.origin.startswith("landing/")]
        if origins:
            lines.append("")
            lines.append(
                f"{'source':<16}{'entity':<16}{'rows in':>9}{'raw':>10}{'quarantined':>13}"
            )
            for r in origins:
                lines.append(
                    f"{r.origin:<16}{r.entity:<16}{r.rows_in:>9}{r.rows_raw:>10}"
                    f"{r.rows_quarantined:>13}"
                )
        # Row counts of the marts only: the staging and intermediate models are counted, not
        # listed (`dbt docs` / the Dagster UI show them).
        layers = {schema: _tables(con, schema) for schema in ("staging", "intermediate", "marts")}
        if any(layers.values()):
            lines.append("")
            lines.append(
                "dbt models: " + ", ".join(f"{len(t)} {schema}" for schema, t in layers.items())
            )
            if layers["marts"]:
                lines.append(
                    "marts: "
                    + ", ".join(f"{t} ({_rows(con, 'marts', t)})" for t in layers["marts"])
                )
        lines.append("")
        lines.extend(_nps_lines(con))
        lines += ["", *_where_lines(settings)]
        return lines
    finally:
        con.close()


def _where_lines(settings: Settings) -> list[str]:
    # BI tools read the published copy, never the warehouse: the warehouse holds raw rows with
    # personal data and is locked while a run writes to it.
    bi_copy = settings.layout.bi_copy_path
    published = "open it read-only" if bi_copy.exists() else "not there yet: no run published it"
    return [
        f"landing zone: {settings.landing_dir}  (add files under landing/<entity>/, or list "
        f"your systems in {settings.sources_path.name}: docs/sources.md; then `make run`)",
        f"BI tools:     {bi_copy}  (the marts as marts.<name>, no personal data; {published})",
        f"exports:      {settings.layout.exports_dir}/  (parquet/ and csv/ per mart, "
        f"cxlink_finance.xlsx)",
        f"warehouse:    {settings.warehouse_path}  (the pipeline's own file: raw rows with "
        f"personal data; not for BI tools)",
        "quarantine:   select * from quarantine.rejected_rows  (in the warehouse)",
        "Dagster UI:   make dev, then http://127.0.0.1:3000",
    ]


def _nps_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    if "nps_overall" not in _tables(con, "marts"):
        return ["overall NPS: marts.nps_overall not built (did dbt build fail?)"]
    rows = con.execute(
        "select period, responses, nps, ci_low, ci_high, ci_method from marts.nps_overall "
        "order by period"
    ).fetchall()
    lines = []
    for period, n, nps, low, high, method in rows:
        if n:
            lines.append(
                f"NPS {period}: {nps:+.1f} (95% CI {low:+.1f} .. {high:+.1f}, {method}, n={n})"
            )
        else:
            lines.append(f"NPS {period}: no responses")
    return lines


def print_summary(settings: Settings) -> None:
    print("\n".join(summary_lines(settings)))
