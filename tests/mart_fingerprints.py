"""Row fingerprints of every table and view in a warehouse's `marts` schema.

A fingerprint hashes the mart's column names and types and all of its rows in a fixed order, so
two warehouses built from the same landing zone agree exactly when every published number does.
Restructurings of the dbt project are checked with it on the demo:

    python -m tests.mart_fingerprints data/warehouse.duckdb --write /tmp/before.json
    ... change the code, rerun `make demo` ...
    python -m tests.mart_fingerprints data/warehouse.duckdb --compare /tmp/before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import duckdb


def mart_fingerprints(warehouse: Path, schema: str = "marts") -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "order by 1",
                [schema],
            ).fetchall()
        ]
        prints = {}
        for table in tables:
            relation = f'{schema}."{table}"'
            columns = con.execute(f"describe {relation}").fetchall()
            rows = con.execute(f"select * from {relation} order by all").fetchall()
            shape = [(c[0], c[1]) for c in columns]
            prints[table] = hashlib.sha256(repr((shape, rows)).encode()).hexdigest()
        return prints
    finally:
        con.close()


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Human-readable differences; empty when the two sets of marts are identical."""
    problems = [f"missing now: {name}" for name in sorted(before.keys() - after.keys())]
    problems += [f"new: {name}" for name in sorted(after.keys() - before.keys())]
    problems += [
        f"changed: {name}"
        for name in sorted(before.keys() & after.keys())
        if before[name] != after[name]
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument(
        "--schema",
        default="marts",
        help="marts: the warehouse's or the published cxlink_bi.duckdb's",
    )
    parser.add_argument("--write", type=Path, help="save the fingerprints as JSON")
    parser.add_argument("--compare", type=Path, help="compare with fingerprints saved earlier")
    args = parser.parse_args(argv)
    prints = mart_fingerprints(args.warehouse, args.schema)
    if args.write:
        args.write.write_text(json.dumps(prints, indent=2, sort_keys=True) + "\n")
        print(f"{len(prints)} mart fingerprints written to {args.write}")
    if args.compare:
        problems = compare(json.loads(args.compare.read_text()), prints)
        for line in problems:
            print(line)
        print(f"{len(prints)} marts: {'identical' if not problems else 'DIFFERENT'}")
        return 1 if problems else 0
    if not args.write:
        print(json.dumps(prints, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
