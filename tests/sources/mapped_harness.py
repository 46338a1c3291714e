"""Running one mapped_file source on a few files, for the mapped_file tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.sources.harness import (
    connect,
    extract_all,
    quarantined,
    run_source,
    write_known_contract_files,
    write_sources,
)

FIXTURES = Path(__file__).parent / "fixtures" / "mapped_file"


def load(tmp_path: Path, source: dict, files: dict[str, object], entity: str) -> list[tuple]:
    """Run one mapped_file source on ``files`` (name -> fixture path or bytes) and return the
    raw rows of its entity (customers from the known account's contract files)."""
    data_dir = tmp_path / "data"
    folder = data_dir / "landing" / source["name"]
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, folder / name)
        else:
            (folder / name).write_bytes(content)
    write_sources(data_dir, [{"kind": "mapped_file", "entities": [entity], **source}])
    if entity != "customers":
        write_known_contract_files(data_dir, ["customers"])
    report = run_source(data_dir, source["name"])
    assert not report.errors, report.errors
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    try:
        return con.execute(
            f"select * exclude (_source_file, _source_row) from raw.{entity} order by all"
        ).fetchall()
    finally:
        con.close()


def rules(tmp_path: Path, entity: str) -> list[tuple[str, str]]:
    return [(q["source_record"], q["rule"]) for q in quarantined(tmp_path / "data", entity)]
