"""``python -m cxlink.demo --landing-dir PATH``: write the seeded demo landing zone."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from cxlink.demo.generator import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cxlink.demo", description=__doc__)
    parser.add_argument("--landing-dir", type=Path, required=True)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2022, 1, 1))
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 10, 31))
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--clean-only", action="store_true", help="no deliberately broken rows")
    parser.add_argument("--overwrite", action="store_true", help="replace existing entity folders")
    args = parser.parse_args(argv)
    try:
        report = generate(
            args.landing_dir,
            customers=args.customers,
            seed=args.seed,
            start_date=args.start,
            as_of_date=args.as_of,
            dirty=not args.clean_only,
            chunk_size=args.chunk_size,
            overwrite=args.overwrite,
            progress=lambda line: print(line, flush=True),
        )
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    clean = sum(report["rows"].values())
    broken = sum(report["dirty_rows"].values())
    print(
        f"done: {report['customers']:,} customers (seed {report['seed']}) -> {clean:,} clean and "
        f"{broken:,} dirty rows in {report['files']} files under {report['landing_dir']} "
        f"in {report['seconds']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
