"""Issue 16: `language` is checked against ISO 639-1.

Before, any text passed: an e-mail-shaped value reached marts.nps_monthly_by_language and the
personal-data scan refused to publish anything; an SQL-injection string was published as a
language. Now a code is normalised (trimmed, lower case, a BCP 47 region dropped: "EN-us" ->
"en", "pt_BR" -> "pt"); a value that is not an ISO 639-1 code is published as null (the
response, its score and its comment are kept: the translation step detects the language) and
recorded in quarantine.cleared_values with its file, row, rule unknown_language and the
original text. Rows in = raw + quarantined still holds: no row is dropped.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cxlink.extract import extract_entity
from cxlink.extract.ledger import build_ledger
from cxlink.publish.personal_data import scan_for_personal_data
from tests.hardening.landing import add_file, build, extract, known_account_landing
from tests.hardening.landing import query as warehouse_query

CUSTOMERS = (
    "customer_id,signup_date,segment,plan_tier,acquisition_channel,country\n"
    "C1,2024-01-05,smb,starter,organic,FI\n"
)
INJECTION = "en'); drop table raw.feedback; --"
LANGUAGES = [
    ("R1", "en", "en"),
    ("R2", " EN-us ", "en"),
    ("R3", "pt_BR", "pt"),
    ("R4", "john.doe@example.com", None),
    ("R5", INJECTION, None),
    ("R6", "English", None),
    ("R7", "", None),  # not given: null without a warning
    ("R8", "xx", None),  # two letters, not a code
]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_unknown_languages_are_cleared_and_recorded(tmp_path: Path):
    landing = tmp_path / "landing"
    write(landing / "customers" / "c.csv", CUSTOMERS)
    add_file(
        landing,
        "feedback/f.csv",
        [
            {
                "response_id": rid,
                "customer_id": "C1",
                "responded_at": "2024-03-01",
                "survey_type": "nps",
                "score": "9",
                "comment": f"comment {rid}",
                "language": language,
                "channel": "email",
            }
            for rid, language, _ in LANGUAGES
        ],
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    extract_entity(con, landing, "customers")
    report = extract_entity(con, landing, "feedback")

    assert report.counts.rows_quarantined == 0
    assert report.counts.cleared == {"unknown_language": 4}
    published = con.execute(
        "select response_id, language, comment from raw.feedback order by 1"
    ).fetchall()
    assert published == [(rid, code, f"comment {rid}") for rid, _, code in LANGUAGES]
    cleared = con.execute(
        "select entity, source_file, source_row, column_name, rule, original_value "
        "from quarantine.cleared_values order by source_row"
    ).fetchall()
    assert cleared == [
        ("feedback", "feedback/f.csv", row, "language", "unknown_language", value)
        for row, (_, value, code) in enumerate(LANGUAGES, start=1)
        if value and code is None
    ]
    detail = con.execute(
        "select detail from quarantine.cleared_values where source_row = 6"
    ).fetchone()[0]
    assert detail == "language: English is not an ISO 639-1 code; published as null"
    assert all(row.balanced for row in build_ledger(con))

    # a rerun rebuilds the record, it does not add to it
    extract_entity(con, landing, "feedback")
    assert con.execute("select count(*) from quarantine.cleared_values").fetchone()[0] == 4


@pytest.mark.xdist_group("hardening_e2e")
def test_an_e_mail_as_language_no_longer_blocks_the_publish(tmp_path: Path):
    landing = known_account_landing(tmp_path)
    add_file(
        landing,
        "feedback/odd_languages.csv",
        [
            {
                "response_id": f"X{i}",
                "customer_id": "P1",
                "responded_at": "2024-06-20",
                "survey_type": "nps",
                "score": "9",
                "comment": "fine",
                "language": language,
                "channel": "web",
            }
            for i, language in enumerate(["jane@example.com", INJECTION, "de"])
        ],
    )
    extract(tmp_path)
    build(tmp_path, "+nps_monthly_by_language")
    languages = warehouse_query(
        tmp_path, "select distinct language from marts.nps_monthly_by_language order by 1"
    )
    # the known account gives no language ('unknown'); X0 and X1 are cleared to 'unknown' too
    assert languages == [("de",), ("unknown",)]
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        assert scan_for_personal_data(con, "warehouse", "marts", ["nps_monthly_by_language"]) == []
    finally:
        con.close()
