"""The non-blocking alert check on marts/topic_alerts (orchestration/checks/topic_alerts.py)."""

from __future__ import annotations

import dagster as dg
import duckdb

from orchestration.checks.topic_alerts import (
    CHECK_NAME,
    TOPIC_ALERTS_KEY,
    check_result,
    read_latest_alerts,
    topic_alerts_new,
)
from orchestration.resources import Warehouse


def test_a_new_alert_fails_the_check_with_a_warning_listing_it(stream):
    warehouse, _ = stream
    result = topic_alerts_new(warehouse=Warehouse(data_dir=str(warehouse.parent)))
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.WARN
    alerts = result.metadata["alerts"].value
    assert {("ent", "pricing"), ("all", "pricing")} <= {
        (a["segment"], a["topic_id"]) for a in alerts
    }
    ent = next(a for a in alerts if (a["segment"], a["topic_id"]) == ("ent", "pricing"))
    assert ent["period_start"] == "2024-12-01"
    assert ent["arr_accounts_mentioning"] == 12 * 1000.0 * ent["accounts_mentioning"]
    assert result.metadata["alert_count"].value == len(alerts)
    assert "| pricing | ent |" in result.metadata["alerts_table"].value
    assert "pricing (ent)" in result.description


def test_no_alert_in_the_latest_period_passes(blocks):
    con = duckdb.connect(str(blocks), read_only=True)
    try:
        latest = read_latest_alerts(con)
    finally:
        con.close()
    assert latest.period_start == "2024-08-01"
    assert latest.alerts == [] and latest.tested > 0
    result = check_result(latest)
    assert result.passed is True
    assert result.metadata["alert_count"].value == 0


def test_the_check_is_registered_non_blocking_on_the_mart():
    spec = next(iter(topic_alerts_new.check_specs))
    assert spec.asset_key == TOPIC_ALERTS_KEY
    assert spec.name == CHECK_NAME
    assert spec.blocking is False
    from cxlink.settings import Settings
    from orchestration.definitions import build_definitions

    defs = build_definitions(Settings.from_env({}))
    keys = {key for checks in defs.asset_checks or [] for key in checks.check_keys}
    assert dg.AssetCheckKey(TOPIC_ALERTS_KEY, CHECK_NAME) in keys
