"""mapped_file: the known account written as the exports people actually have (a cp1252 `;` CSV
with dd.mm.yyyy dates, an XLSX workbook, a JSON API dump, a UTF-8-BOM CSV, JSON Lines, a TSV, a
pipe-separated latin-1 text file) comes back as the same contract rows; reruns read nothing;
a changed file replaces its rows; rows in = raw + quarantined per source."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.extract.ledger import read_source_ledger
from cxlink.sources.config import load_sources
from tests.known_account import landing_rows
from tests.sources.harness import (
    assert_same_contract_rows,
    connect,
    extract_all,
    quarantined,
    run_source,
    write_sources,
)
from tests.sources.mapped_exports import SOURCES, write_feedback, write_known_exports


def run_all(data_dir: Path) -> dict:
    return {s["name"]: run_source(data_dir, s["name"]) for s in SOURCES}


def test_known_account_through_everyday_exports(tmp_path):
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    reports = run_all(data_dir)
    assert all(not r.errors for r in reports.values()), {n: r.errors for n, r in reports.items()}
    extract_all(data_dir)
    for entity in ENTITY_ORDER:
        assert quarantined(data_dir, entity) == [], entity
    assert_same_contract_rows(data_dir, list(ENTITY_ORDER), tmp_path)
    con = connect(data_dir, read_only=True)
    try:
        ledger = {(r.origin, r.entity): r for r in read_source_ledger(con)}
        records = con.execute(
            "select _source_record from landing.invoices order by _source_row limit 2"
        ).fetchall()
    finally:
        con.close()
    expected = {len(v) for v in landing_rows().values()}
    assert {(s["name"], s["entities"][0]) for s in SOURCES} == set(ledger)
    assert all(r.balanced and r.rows_quarantined == 0 for r in ledger.values())
    assert {r.rows_in for r in ledger.values()} == expected
    assert records == [("SP1-202307",), ("SP1-202308",)]  # the invoice number names the record


def test_rerun_reads_nothing_and_a_changed_file_replaces_its_rows(tmp_path):
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    run_all(data_dir)
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    before = con.execute("select * from raw.feedback order by all").fetchall()
    con.close()

    again = run_all(data_dir)
    assert all(f.status == "unchanged" for r in again.values() for f in r.files)
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    assert con.execute("select * from raw.feedback order by all").fetchall() == before
    con.close()

    rows = landing_rows()["feedback"][:3]
    write_feedback(data_dir / "landing" / "survey", rows)  # the export now has 3 responses
    report = run_source(data_dir, "survey")
    assert [(f.status, f.rows) for f in report.files] == [("changed", 3)]
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    try:
        assert con.execute("select count(*) from landing.feedback").fetchone() == (3,)
        assert con.execute("select count(*) from raw.feedback").fetchone() == (3,)
    finally:
        con.close()


@pytest.mark.parametrize("keep_removed", [False, True])
def test_a_renamed_export_gives_what_a_clean_build_gives(tmp_path, keep_removed):
    """Issue 16: the vanished name's rows went on being loaded beside the new name's, and every
    response came out twice as duplicate_key. Renamed, the folder holds what it held: the raw
    rows are the clean build's and nothing is quarantined."""
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    run_all(data_dir)
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    clean = con.execute("select * exclude (_source_file) from raw.feedback order by all").fetchall()
    con.close()

    (export,) = [p for p in (data_dir / "landing" / "survey").iterdir() if p.is_file()]
    export.rename(export.with_name(f"{export.stem}_v2{export.suffix}"))
    report = run_source(data_dir, "survey", keep_removed=keep_removed)
    assert report.missing_from_folder == [f"survey/{export.name}"]
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    try:
        rerun = con.execute(
            "select * exclude (_source_file) from raw.feedback order by all"
        ).fetchall()
        files = con.execute("select distinct _source_file from landing.feedback").fetchall()
    finally:
        con.close()
    assert rerun == clean and len(clean) == len(landing_rows()["feedback"])
    assert files == [(f"survey/{export.stem}_v2{export.suffix}",)]
    assert quarantined(data_dir, "feedback") == []


def test_bad_rows_are_quarantined_with_source_record_and_rule(tmp_path):
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    path = data_dir / "landing" / "survey" / "umfrage_2024.csv"
    text = path.read_bytes().decode("cp1252")
    text = text.replace(";E-Mail;", ";Telefon;", 1)  # R0: a channel not in the value map
    text = text.replace("20.11.2023", "31.11.2023", 1)  # R4 (D2): no such day
    text = text.replace(";5;E-Mail", ";fünf;E-Mail", 1)  # R4 again: its first problem wins
    text = text.replace("R6;N1;", "R6;N1;20.01.2024 13:00;x;Web\r\nR6b;N1;", 1)  # short row
    path.write_bytes(text.encode("cp1252"))
    run_all(data_dir)
    extract_all(data_dir)
    got = [(q["source"], q["source_record"], q["rule"]) for q in quarantined(data_dir, "feedback")]
    assert got == [
        ("survey", "R0", "unmapped_value"),
        ("survey", "R4", "invalid_timestamp"),
        ("survey", "R6", "malformed_record"),
    ]
    details = [q["detail"] for q in quarantined(data_dir, "feedback")]
    assert "channel: 'Telefon' is not in value_maps.channel" in details[0]
    assert "'31.11.2023 13:00' does not match '%d.%m.%Y %H:%M'" in details[1]
    assert "has 5 fields, the header has 6" in details[2]
    con = connect(data_dir, read_only=True)
    try:
        ledger = [r for r in read_source_ledger(con) if r.origin == "survey"]
    finally:
        con.close()
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(11, 8, 3)]


@pytest.mark.parametrize(("encoding", "fix"), [("utf-8", "encoding: cp1252"), ("cp1252", None)])
def test_windows_export_read_with_the_wrong_encoding_fails_the_file(tmp_path, encoding, fix):
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    source = {**SOURCES[0], "encoding": encoding}
    write_sources(data_dir, [source, *SOURCES[1:]])
    folder = data_dir / "landing" / "survey"
    if fix is None:  # a UTF-8 file declared cp1252 would turn ä into Ã¤: refused, not misread
        utf8 = (folder / "umfrage_2024.csv").read_bytes().decode("cp1252").encode("utf-8")
        (folder / "umfrage_2024.csv").write_bytes(utf8)
        fix = "encoding: utf-8"
    (folder / "extra.csv").write_bytes(b"Antwort-ID;Kundennummer\r\n")
    report = run_source(data_dir, "survey")
    failed = {f.relative_path: f.error for f in report.files if f.status == "failed"}
    assert set(failed) == {"survey/umfrage_2024.csv", "survey/extra.csv"}
    assert fix in failed["survey/umfrage_2024.csv"]
    assert "source survey: landing/survey/umfrage_2024.csv" in failed["survey/umfrage_2024.csv"]
    assert (
        "column 'Datum/Uhrzeit' (columns.responded_at) is not in the file"
        in failed["survey/extra.csv"]
    )


def test_each_source_becomes_a_dagster_asset(tmp_path):
    from orchestration.assets.sources import build_source_asset

    write_sources(tmp_path, SOURCES)
    config = load_sources(tmp_path / "sources.yml")
    assets = [build_source_asset(source) for source in config.sources]
    assert [a.key.path for a in assets] == [["source", s["name"]] for s in SOURCES]
