"""Running one source for real, into a temporary warehouse, and comparing with the known account.

    sources = write_sources(data_dir, [{"name": "stripe", "kind": "stripe", ...}])
    report = run_source(data_dir, "stripe", env={"STRIPE_API_KEY": "sk_test_1"})
    raw = extract_all(data_dir)            # raw.<entity> as the pipeline validates it
    assert_same_contract_rows(data_dir, ["subscriptions", "invoices"])

`assert_same_contract_rows` compares the typed ``raw`` rows a source produced with the rows the
contract landing files of tests/known_account.py produce, leaving out only the vendor-assigned
ids (subscription, invoice and response ids): customer ids, dates, amounts, currencies, line
types, scores and channels must be identical, so every mart of the known account follows.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import duckdb
import yaml

from cxlink.contract import ENTITIES, ENTITY_ORDER
from cxlink.extract import extract_entity
from cxlink.sources.config import load_sources
from cxlink.sources.sync import SourceReport, sync_source
from tests.known_account import landing_rows
from tests.warehouse import write_landing

# Ids a vendor assigns itself: not comparable with the known account's own.
VENDOR_IDS = {
    "subscriptions": ("subscription_id",),
    "invoices": ("invoice_id", "subscription_id"),
    "feedback": ("response_id",),
}


def write_sources(data_dir: Path, sources: list[dict]) -> Path:
    path = data_dir / "sources.yml"
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
    return path


def connect(data_dir: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    return con


def run_source(
    data_dir: Path, name: str, env: dict[str, str] | None = None, full_reload: bool = False
) -> SourceReport:
    config = load_sources(data_dir / "sources.yml")
    con = connect(data_dir)
    try:
        return sync_source(
            con,
            data_dir / "landing",
            config.by_name(name),
            full_reload=full_reload,
            log=lambda _: None,
            env={**os.environ, **(env or {})},
        )
    finally:
        con.close()


def extract_all(data_dir: Path) -> None:
    """Every entity's ``raw`` and ``quarantine`` tables, as the raw/<entity> assets build them."""
    config = load_sources(data_dir / "sources.yml")
    con = connect(data_dir)
    try:
        for entity in ENTITY_ORDER:
            feeding = [s.name for s in config.feeding(entity)]
            extract_entity(con, data_dir / "landing", entity, feeding)
    finally:
        con.close()


def comparable_rows(
    con: duckdb.DuckDBPyConnection, entity: str, vendor_ids: dict | None = None
) -> list[tuple]:
    ids = (VENDOR_IDS if vendor_ids is None else vendor_ids).get(entity, ())
    columns = [c for c in ENTITIES[entity].column_names if c not in ids]
    select = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f"select {select} from raw.{entity} order by all").fetchall()


def known_account_rows(tmp_dir: Path, entity: str) -> list[tuple]:
    """The known account's ``raw.<entity>`` rows, from its contract landing files."""
    landing = tmp_dir / "known_landing"
    if not landing.exists():
        write_landing(landing, landing_rows())
    con = duckdb.connect(str(tmp_dir / "known.duckdb"))
    con.execute("set TimeZone = 'UTC'")
    try:
        for name in ENTITY_ORDER[: ENTITY_ORDER.index(entity) + 1]:
            extract_entity(con, landing, name)
        return comparable_rows(con, entity)
    finally:
        con.close()


def assert_same_contract_rows(data_dir: Path, entities: list[str], tmp_dir: Path) -> None:
    """raw.<entity> from the source == raw.<entity> from the known account's contract files."""
    con = connect(data_dir, read_only=True)
    try:
        for entity in entities:
            got, expected = comparable_rows(con, entity), known_account_rows(tmp_dir, entity)
            assert got == expected, f"{entity}: rows differ\n got {got}\n expected {expected}"
    finally:
        con.close()


def write_known_contract_files(data_dir: Path, entities: list[str]) -> None:
    """The known account's contract files for the entities no source under test feeds (it has
    no support tickets or product usage: those optional entities get no file)."""
    rows = landing_rows()
    write_landing(data_dir / "landing", {e: rows.get(e, []) for e in entities})


def staged(data_dir: Path, entity: str) -> list[tuple]:
    """Every row of ``landing.<entity>`` (all columns, lineage included), sorted: a rerun with
    nothing new must leave it identical."""
    con = connect(data_dir, read_only=True)
    try:
        return con.execute(f"select * from landing.{entity} order by all").fetchall()
    finally:
        con.close()


def quarantined(data_dir: Path, entity: str) -> list[dict]:
    con = connect(data_dir, read_only=True)
    try:
        cursor = con.execute(
            f"select source, source_record, source_file, rule, detail from quarantine.{entity} "
            "order by source_file, source_row"
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()


def free_port_pair() -> int:
    """A port p with p and p + 1 free on 127.0.0.1 (Stripe and HubSpot stand-ins)."""
    for _ in range(50):
        with socket.socket() as first, socket.socket() as second:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise RuntimeError("no two adjacent free ports on 127.0.0.1")
