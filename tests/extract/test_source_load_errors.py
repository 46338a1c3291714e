"""A source that cannot be read does not fail its asset: the problem is a load error of the
entities it feeds (origin: the source), cleared once the source reads again."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

from cxlink.extract import load_errors
from cxlink.settings import Settings
from cxlink.sources.config import load_sources
from orchestration.assets.sources import build_source_asset
from orchestration.resources import Warehouse
from tests.known_account import landing_rows
from tests.sources.fake_salesforce import known_report_csv
from tests.sources.harness import connect
from tests.sources.test_salesforce_report import FIXTURES, setup


def test_an_unreadable_export_is_a_load_error_of_its_entity_not_a_failed_asset(tmp_path):
    folder = setup(
        tmp_path,
        {
            "renamed.csv": FIXTURES / "accounts_report_renamed.csv",
            "known.csv": known_report_csv(landing_rows()["customers"]),
        },
        customer_id_column="Account Number",
    )
    asset = build_source_asset(load_sources(tmp_path / "sources.yml").by_name("sfdc_report"))
    resources = {
        "warehouse": Warehouse(data_dir=str(tmp_path)),
        "settings": Settings(data_dir=Path(tmp_path)),
    }

    result = dg.materialize([asset], resources=resources)
    assert result.success
    con = connect(tmp_path, read_only=True)
    try:
        (error,) = load_errors(con)
    finally:
        con.close()
    assert (error.entity, error.origin, error.file_path) == (
        "customers",
        "sfdc_report",
        "sfdc_report/renamed.csv",
    )
    assert "'Created Date' not found" in error.problem
    assert error.message.startswith("landing/sfdc_report/renamed.csv: ")

    shutil.copy(folder / "known.csv", folder / "renamed.csv")  # the fixed delivery
    assert dg.materialize([asset], resources=resources).success
    con = connect(tmp_path, read_only=True)
    try:
        assert load_errors(con) == []
    finally:
        con.close()
