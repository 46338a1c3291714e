"""Appending writers for the landing zone: CSV, JSON Lines and Parquet, chunk by chunk.

Every file is written under a ``.part`` name (which the extractor and sensor skip) and renamed
when the whole landing zone is complete, so a half-written demo is never picked up.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cxlink.contract import ENTITY_ORDER

PART_SUFFIX = ".part"
GROUND_TRUTH_FILE = "ground_truth.json"


def prepare_landing(landing_dir: Path, overwrite: bool) -> None:
    """Refuse to mix with existing entity files unless told to replace them (only those)."""
    landing_dir = Path(landing_dir)
    occupied = [
        landing_dir / entity
        for entity in ENTITY_ORDER
        if (landing_dir / entity).is_dir() and any((landing_dir / entity).iterdir())
    ]
    truth = landing_dir / GROUND_TRUTH_FILE
    if (occupied or truth.exists()) and not overwrite:
        names = ", ".join(str(f) for f in occupied) or str(truth)
        raise FileExistsError(
            f"landing folder not empty: {names}; pass overwrite=True (--overwrite) to replace "
            "the demo entity folders"
        )
    for folder in occupied:
        shutil.rmtree(folder)
    truth.unlink(missing_ok=True)
    for entity in ENTITY_ORDER:
        (landing_dir / entity).mkdir(parents=True, exist_ok=True)


class _Sink:
    def __init__(self, root: Path, relative: str):
        self.relative = relative
        self.final = root / relative
        self.part = self.final.with_name(self.final.name + PART_SUFFIX)
        self.rows = 0

    def close(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.close()
        self.part.replace(self.final)

    def discard(self) -> None:
        try:
            self.close()
        finally:
            self.part.unlink(missing_ok=True)


class CsvSink(_Sink):
    """RFC 4180: header row, comma, double-quote quoting only where needed, CRLF line ends."""

    def __init__(self, root: Path, relative: str, columns: Iterable[str]):
        super().__init__(root, relative)
        self._handle = self.part.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\r\n")
        self._writer.writerow(list(columns))

    def write(self, rows: list[tuple]) -> None:
        self._writer.writerows(rows)
        self.rows += len(rows)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()


class JsonlSink(_Sink):
    def __init__(self, root: Path, relative: str):
        super().__init__(root, relative)
        self._handle = self.part.open("w", encoding="utf-8", newline="\n")

    def write(self, records: list[dict]) -> None:
        self._handle.writelines(
            json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records
        )
        self.rows += len(records)

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.close()


class ParquetSink(_Sink):
    """One row group per chunk; an empty file still carries the schema."""

    def __init__(self, root: Path, relative: str, schema: pa.Schema):
        super().__init__(root, relative)
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
            self.part, schema, compression="zstd"
        )
        self._schema = schema

    def write(self, table: pa.Table) -> None:
        if table.num_rows and self._writer is not None:
            self._writer.write_table(table)
            self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is not None:
            if self.rows == 0:
                self._writer.write_table(self._schema.empty_table())
            self._writer.close()
            self._writer = None


def write_json_atomically(path: Path, data: dict) -> None:
    part = path.with_name(path.name + PART_SUFFIX)
    part.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    part.replace(path)
