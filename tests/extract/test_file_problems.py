"""Landing files with problems: what the report says, what is quarantined, what is kept.

Messages name the real problem with its 1-based file line; a broken JSON line is quarantined
while the rest of the file loads; column names follow one rule in every format; compressed
files are read; removed files take their rows with them (unless kept); an unreadable file is
recorded in ``landing.load_errors`` until it is fixed.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxlink.extract import extract_entity, load_errors
from cxlink.extract.ledger import build_ledger, unbalanced_entities
from tests.extract.test_extract import response

HEADER = (
    "customer_id,signup_date,segment,plan_tier,acquisition_channel,country,persona,email,name\n"
)


def row(cid: str, name: str = "Anna") -> str:
    return f"{cid},2024-01-05,smb,starter,organic,FI,founder,{cid.lower()}@example.com,{name}\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def zstd(data: bytes) -> bytes:
    return pa.compress(data, codec="zstd", asbytes=True)


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    write(root / "customers" / "good.csv", HEADER + row("C1") + row("C2"))
    return root


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(
            # a multi-line quoted value first: lines are file lines, not record numbers
            HEADER + row("C1", '"two\nlines"') + "C3,2024-01-05,smb\n" + row("C4"),
            "wrong number of columns on line 4: expected 9 (as in the header), found 3",
            id="ragged",
        ),
        pytest.param(
            HEADER + row("C1") + row("C3", '"Acme') + row("C4") + row("C5"),
            "unterminated quote: the quoted value starting on line 3 is never closed",
            id="unterminated-quote",
        ),
        pytest.param(
            (HEADER + row("C1") + row("C3", "Jörg")).encode("cp1252"),
            "not UTF-8 text: byte 0xF6 at offset 215 (line 3) is not valid UTF-8",
            id="latin-1",
        ),
        pytest.param(
            (HEADER.replace(",name", ",näme") + row("C1")).encode("cp1252"),
            "not UTF-8 text: byte 0xE4 at offset 85 (line 1)",  # not "missing column name"
            id="latin-1-header",
        ),
        pytest.param(
            b"\x00\x07\x00binary" * 50, "not a text file (it contains NUL bytes", id="binary"
        ),
        pytest.param(
            gzip.compress((HEADER + row("C3")).encode()),
            "not a text file (it is gzip-compressed: name it with a .gz suffix",
            id="gzip-named-csv",
        ),
        pytest.param(
            row("C3") + row("C4"),
            "no header row: the first line looks like data (C3, 2024-01-05, smb, starter",
            id="no-header",
        ),
        pytest.param(
            HEADER.replace("persona", "Segment ") + row("C3"),
            "duplicate column: 'segment' and 'Segment ' both name the contract column segment",
            id="duplicate-column",
        ),
    ],
)
def test_a_broken_csv_is_reported_for_what_is_wrong_with_its_line(
    con, landing: Path, content, problem: str
):
    write(landing / "customers" / "bad.csv", content)
    report = extract_entity(con, landing, "customers")
    assert len(report.errors) == 1, report.errors
    assert report.errors[0].startswith("landing/customers/bad.csv: " + problem), report.errors[0]
    if not problem.startswith("not UTF-8"):  # the old report blamed the encoding for all
        assert "UTF-8" not in report.errors[0]
    assert report.counts.rows_raw == 2  # good.csv still loads


def test_a_duplicated_column_fails_the_file_in_jsonl_and_parquet(con, landing: Path):
    extract_entity(con, landing, "customers")
    write(
        landing / "feedback" / "dup.jsonl",
        json.dumps(response("R1")) + "\n" + json.dumps({**response("R2"), "Score": 3}) + "\n",
    )
    table = pa.table({k: [v] for k, v in {**response("P1"), "Score": 3}.items()})
    pq.write_table(table, landing / "feedback" / "dup.parquet")
    report = extract_entity(con, landing, "feedback")
    assert report.errors == [
        "landing/feedback/dup.jsonl: duplicate column: 'Score' and 'score' both name the "
        "contract column score; remove or rename one",
        "landing/feedback/dup.parquet: duplicate column: 'score' and 'Score' both name the "
        "contract column score; remove or rename one",
    ]


def test_a_broken_json_line_is_quarantined_and_the_rest_loads(con, landing: Path):
    extract_entity(con, landing, "customers")
    lines = [
        json.dumps(response("R1")),
        '{"response_id": "R2", "score": 9',  # cut short
        "",  # blank lines are skipped but counted
        json.dumps(response("R3")),
        "[1, 2]",  # valid JSON, not an object
        json.dumps(response("R4")),
    ]
    write(landing / "feedback" / "a.jsonl", "\n".join(lines) + "\n")
    report = extract_entity(con, landing, "feedback")
    assert report.errors == []
    assert (report.counts.rows_in, report.counts.rows_raw) == (5, 3)
    assert report.counts.by_rule == {"malformed_record": 2}
    quarantined = con.execute(
        "select source_row, detail, original_values::json->>'_record' from quarantine.feedback "
        "order by source_row"
    ).fetchall()
    assert quarantined == [
        (2, "record is not valid JSON", '{"response_id": "R2", "score": 9'),
        (5, "record is not a JSON object", "[1, 2]"),
    ]
    rows = con.execute("select response_id, _source_row from raw.feedback order by 1").fetchall()
    assert rows == [("R1", 1), ("R3", 4), ("R4", 6)]
    assert all(r.balanced for r in build_ledger(con))


def test_column_names_match_the_same_way_in_every_format(con, tmp_path: Path, landing: Path):
    extract_entity(con, landing, "customers")
    spelled = {" Response_ID": "J1", "CUSTOMER_ID": "C1", "Responded_At ": "2024-03-01T10:00:00",
               "Survey_Type": "nps", "Score": 7, "Channel": "web"}  # fmt: skip
    write(landing / "feedback" / "a.jsonl", json.dumps(spelled) + "\n")
    write(
        landing / "feedback" / "b.csv",
        "\ufeff Response_ID,CUSTOMER_ID,Responded_At ,Survey_Type,Score,Channel\n"
        "K1,C1,2024-03-01T10:00:00,nps,7,web\n",
    )
    table = pa.table({k.replace("J", "P"): [v.replace("J1", "P1") if isinstance(v, str) else v]
                      for k, v in spelled.items()})  # fmt: skip
    pq.write_table(table, landing / "feedback" / "c.parquet")
    report = extract_entity(con, landing, "feedback")
    assert report.errors == []
    got = con.execute("select response_id, score from raw.feedback order by 1").fetchall()
    assert got == [("J1", 7), ("K1", 7), ("P1", 7)]


def test_compressed_files_are_read_and_others_are_listed_with_a_reason(con, tmp_path: Path):
    landing = tmp_path / "landing"
    write(landing / "customers" / "a.csv.gz", gzip.compress((HEADER + row("C1")).encode()))
    write(landing / "customers" / "b.csv.zst", zstd((HEADER + row("C2")).encode()))
    write(landing / "customers" / "c.zip", b"PK\x03\x04")
    write(landing / "customers" / "d.xlsx", b"PK\x03\x04")
    write(landing / "customers" / "e.csv.bz2", b"BZh")
    extract_entity(con, landing, "customers")
    line = json.dumps(response("R1")) + "\n"
    write(landing / "feedback" / "a.jsonl.gz", gzip.compress(line.encode()))
    write(landing / "feedback" / "b.ndjson.zst", zstd(line.replace("R1", "R2").encode()))
    write(landing / "feedback" / "c.ndjson.gz", gzip.compress(line.replace("R1", "R3").encode()))
    customers = extract_entity(con, landing, "customers")
    feedback = extract_entity(con, landing, "feedback")
    assert customers.errors == [] and feedback.errors == []
    assert con.execute("select customer_id from raw.customers order by 1").fetchall() == [
        ("C1",),
        ("C2",),
    ]
    assert con.execute("select count(*) from raw.feedback").fetchone()[0] == 3
    reasons = customers.ignored_reasons
    assert list(reasons) == ["customers/c.zip", "customers/d.xlsx", "customers/e.csv.bz2"]
    assert reasons["customers/c.zip"].startswith("zip archives are not read: unpack it")
    assert "mapped_file source" in reasons["customers/d.xlsx"]
    assert "compressed .csv files are not read" not in reasons["customers/e.csv.bz2"]
    assert "bzip2" in reasons["customers/e.csv.bz2"]


def test_a_removed_file_takes_its_rows_with_it_unless_kept(con, landing: Path):
    write(landing / "customers" / "more.csv", HEADER + row("C3") + row("C4") + row("C5"))
    assert extract_entity(con, landing, "customers").counts.rows_raw == 5

    (landing / "customers" / "more.csv").unlink()
    kept = extract_entity(con, landing, "customers", keep_removed=True)
    assert kept.sync.missing_from_landing == ["customers/more.csv"]
    assert kept.sync.removed_rows == {}
    assert kept.counts.rows_raw == 5

    removed = extract_entity(con, landing, "customers")
    assert removed.sync.removed_rows == {"customers/more.csv": 3}
    assert (removed.counts.rows_in, removed.counts.rows_raw) == (2, 2)
    manifest = con.execute("select file_path from landing.load_manifest").fetchall()
    assert manifest == [("customers/good.csv",)]
    assert unbalanced_entities(con) == []
    # the next run has nothing left to remove
    assert extract_entity(con, landing, "customers").sync.removed_rows == {}


def test_a_duplicated_file_is_quarantined_as_duplicate_key_not_counted_twice(con, landing: Path):
    (landing / "customers" / "good.csv").unlink()
    rows = HEADER + "".join(row(f"C{i}") for i in range(1, 11))
    write(landing / "customers" / "export.csv", rows)
    write(landing / "customers" / "export (copy).csv", rows)
    report = extract_entity(con, landing, "customers")
    counts = report.counts
    assert (counts.rows_in, counts.rows_raw, counts.rows_quarantined) == (20, 10, 10)
    assert counts.by_rule == {"duplicate_key": 10}
    # the first file by path wins: "export (copy).csv" sorts before "export.csv"
    files = con.execute("select distinct _source_file from raw.customers").fetchall()
    assert files == [("customers/export (copy).csv",)]
    assert con.execute("select count(distinct customer_id) from raw.customers").fetchone()[0] == 10
    (ledger,) = [r for r in build_ledger(con) if r.entity == "customers"]
    assert (ledger.rows_in, ledger.rows_raw, ledger.rows_quarantined) == (20, 10, 10)
    assert ledger.balanced


def test_an_unreadable_file_is_recorded_until_it_is_fixed(con, landing: Path):
    extract_entity(con, landing, "customers")
    bad = write(landing / "customers" / "new.csv", (HEADER + row("C3", "Jörg")).encode("cp1252"))
    report = extract_entity(con, landing, "customers")
    assert report.counts.rows_raw == 2  # the earlier rows stay
    (error,) = load_errors(con)
    assert (error.entity, error.origin, error.file_path) == (
        "customers",
        "landing/customers/",
        "customers/new.csv",
    )
    assert error.problem.startswith("not UTF-8 text: byte 0xF6")
    assert con.execute("select file_path from quarantine.files").fetchall() == [
        ("customers/new.csv",)
    ]
    # read-only connections can read it too (the CLI does, after a failed run)
    path = con.execute("select file from pragma_database_list where name = 'w'").fetchone()[0]
    con.close()
    with duckdb.connect(path, read_only=True) as reader:
        assert [e.file_path for e in load_errors(reader)] == ["customers/new.csv"]
    with duckdb.connect(path) as writer:
        bad.write_text(HEADER + row("C3", "Jörg"), encoding="utf-8")
        fixed = extract_entity(writer, landing, "customers")
        assert fixed.counts.rows_raw == 3
        assert load_errors(writer) == []
