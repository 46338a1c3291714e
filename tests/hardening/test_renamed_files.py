"""Issue 16: a rerun after a file is renamed gives what a clean build of the same landing zone
gives: the same raw tables, the same quarantine and the same marts.

The known account's subscriptions.csv is renamed to subscriptions_v2.csv with one corrected
price (SN1: 150 -> 155 EUR). With the default settings the vanished file's rows go at the next
run. With CXLINK_KEEP_REMOVED_FILES=true (landing zones cleaned after delivery) the vanished
file's rows used to stay, so every row of the new file was quarantined as duplicate_key and the
correction never arrived; now a kept row whose key a file in the landing zone delivers again is
superseded by it (reported per file), and only rows no present file delivers are kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hardening.landing import build, extract, fingerprints, known_account_landing, query

pytestmark = pytest.mark.xdist_group("hardening_e2e")

MARTS = "+mrr_bridge_total +clv_overall"


def rename_with_correction(landing: Path) -> None:
    folder = landing / "subscriptions"
    text = (folder / "subscriptions.csv").read_text(encoding="utf-8")
    assert text.count("SN1,N1,growth,2023-07-01,,150,EUR") == 1
    (folder / "subscriptions.csv").unlink()
    corrected = text.replace(
        "SN1,N1,growth,2023-07-01,,150,EUR", "SN1,N1,growth,2023-07-01,,155,EUR"
    )
    (folder / "subscriptions_v2.csv").write_text(corrected, encoding="utf-8")


@pytest.mark.parametrize("keep_removed", [False, True], ids=["default", "keep_removed"])
def test_a_rerun_after_a_rename_equals_a_clean_build(tmp_path: Path, keep_removed: bool):
    rerun = tmp_path / "rerun"
    landing = known_account_landing(rerun)
    extract(rerun, keep_removed)  # the first delivery is loaded
    rename_with_correction(landing)
    reports = extract(rerun, keep_removed)
    build(rerun, MARTS)

    clean = tmp_path / "clean"
    shutil.copytree(landing, clean / "landing")
    extract(clean, keep_removed)
    build(clean, MARTS)

    assert reports["subscriptions"].counts.rows_quarantined == 0
    assert query(rerun, "select mrr from raw.subscriptions where subscription_id = 'SN1'") == [
        (155,)
    ]
    for schema in ("raw", "quarantine", "marts"):
        assert fingerprints(rerun, schema) == fingerprints(clean, schema), schema
    sync = reports["subscriptions"].sync
    assert sync.missing_from_landing == ["subscriptions/subscriptions.csv"]
    if keep_removed:  # all 7 of its rows are delivered again by subscriptions_v2.csv
        assert sync.superseded_rows == {"subscriptions/subscriptions.csv": 7}
    else:
        assert sync.removed_rows == {"subscriptions/subscriptions.csv": 7}


def test_kept_rows_that_no_file_delivers_again_stay(tmp_path: Path):
    """What CXLINK_KEEP_REMOVED_FILES is for: a delivery cleaned away keeps its rows, and a
    later file that repeats only some of its keys supersedes only those."""
    data_dir = tmp_path / "kept"
    landing = known_account_landing(data_dir)
    extract(data_dir, keep_removed=True)
    folder = landing / "subscriptions"
    header, *rows = (folder / "subscriptions.csv").read_text(encoding="utf-8").splitlines()
    (folder / "subscriptions.csv").unlink()
    sn1 = [r for r in rows if r.startswith("SN1,")]
    (folder / "late_fix.csv").write_text(
        "\n".join([header, sn1[0].replace(",150,", ",155,")]) + "\n", encoding="utf-8"
    )
    reports = extract(data_dir, keep_removed=True)
    assert reports["subscriptions"].sync.superseded_rows == {"subscriptions/subscriptions.csv": 1}
    assert reports["subscriptions"].counts.rows_raw == 7
    assert reports["subscriptions"].counts.rows_quarantined == 0
    assert query(
        data_dir,
        "select subscription_id, mrr, _source_file from raw.subscriptions "
        "where subscription_id in ('SN1', 'SP1') order by 1",
    ) == [
        ("SN1", 155, "subscriptions/late_fix.csv"),
        ("SP1", 100, "subscriptions/subscriptions.csv"),
    ]
    # the manifest counts what is left of the cleaned-away file
    assert query(
        data_dir,
        "select rows from landing.load_manifest where file_path = 'subscriptions/subscriptions.csv'",
    ) == [(6,)]
