"""Issue 16: a landing file is read by its literal path, never as a DuckDB glob pattern.

`a*.csv` must load its own row and not also `a1.csv`'s; `b[12].csv` must load its own row and
not `b1.csv`'s instead; `q?.jsonl` and `{x,y}.parquet` likewise, in every format the extractor
reads (CSV, JSON Lines, Parquet; plain and gzip-compressed).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cxlink.extract import extract_entity

HEADER = (
    "customer_id,signup_date,segment,plan_tier,acquisition_channel,country,persona,email,name\n"
)


def customer_csv(customer_id: str) -> str:
    return HEADER + f"{customer_id},2024-01-01,smb,starter,organic,FI,,,\n"


def customer_record(customer_id: str) -> dict:
    return {
        "customer_id": customer_id,
        "signup_date": "2024-01-01",
        "segment": "smb",
        "plan_tier": "starter",
        "acquisition_channel": "organic",
        "country": "FI",
    }


def write_landing(root: Path) -> dict[str, str]:
    """One customer per file; file name -> the customer id it holds."""
    folder = root / "customers"
    folder.mkdir(parents=True)
    holds = {
        "a*.csv": "STAR",
        "a1.csv": "A1",
        "b[12].csv": "BRACKET",
        "b1.csv": "B1",
        "c?.csv.gz": "QMARK",
        "cx.csv.gz": "CX",
        "d{1,2}.jsonl": "BRACE",
        "d1.jsonl": "D1",
        "e**.parquet": "STARSTAR",
        "e9.parquet": "E9",
    }
    for name, customer_id in holds.items():
        path = folder / name
        if name.endswith(".csv"):
            path.write_text(customer_csv(customer_id), encoding="utf-8")
        elif name.endswith(".csv.gz"):
            path.write_bytes(gzip.compress(customer_csv(customer_id).encode()))
        elif name.endswith(".jsonl"):
            path.write_text(json.dumps(customer_record(customer_id)) + "\n", encoding="utf-8")
        else:
            pq.write_table(pa.Table.from_pylist([customer_record(customer_id)]), path)
    return holds


def test_each_file_loads_exactly_its_own_rows(tmp_path: Path):
    holds = write_landing(tmp_path / "landing")
    con = duckdb.connect()
    report = extract_entity(con, tmp_path / "landing", "customers")

    assert report.errors == []
    loaded = con.execute(
        "select _source_file, customer_id from landing.customers order by all"
    ).fetchall()
    expected = sorted((f"customers/{name}", customer) for name, customer in holds.items())
    assert loaded == expected  # ten files, one row each: nothing read twice, nothing swapped
    # no duplicate_key from a pattern that matched a neighbour: all ten customers are in raw
    assert report.counts.rows_raw == 10
    assert report.counts.rows_quarantined == 0
