"""The benchmark's arithmetic: event records -> startup, planning and seconds per stage; the
memory of a process tree. Synthetic events, and one tiny job for the adapter from Dagster's log."""

from __future__ import annotations

import os

import dagster as dg
import pytest

from benchmarks.process_tree import process_table, tree_rss
from benchmarks.run_events import Event, events_from_log, run_timings, stage_of_step

START = 1_000.0  # the process started at t=1000 s


def synthetic_run() -> list[Event]:
    def step(name: str, begin: float, end: float, *assets: str, checked: bool = False):
        events = [Event("STEP_START", START + begin, name)]
        events += [Event("ASSET_MATERIALIZATION", START + end, name, a) for a in assets]
        if checked:
            events.append(Event("ASSET_CHECK_EVALUATION", START + end, name, "raw/customers"))
        return [*events, Event("STEP_SUCCESS", START + end, name)]

    planned = [Event("ASSET_MATERIALIZATION_PLANNED", START + 4, None, "raw/customers")] * 3
    return [
        # deliberately out of order: timings sort by timestamp
        *step("cxlink_dbt_models", 30, 70, "staging/stg_crm__customers", "text/topics"),
        Event("RUN_START", START + 5),
        *planned,
        *step("raw__customers", 10, 12, "raw/customers"),
        *step("raw__customers_gx_raw_customers", 12, 15, checked=True),
        *step("text__feedback_translations", 15, 25, "text/feedback_translations"),
        *step("publish__bi_copy", 70, 73, "publish/bi_copy"),
        Event("", START + 71, "publish__bi_copy"),  # a plain log line
        Event("RUN_SUCCESS", START + 74),
    ]


def test_startup_planning_and_stage_seconds():
    timings = run_timings(synthetic_run(), process_start=START)
    assert timings.to_first_event == 4  # the first planned materialization
    assert timings.to_first_step == 10
    assert timings.planning == 6
    assert timings.to_run_start == 5
    assert timings.to_last_step_end == 73
    assert timings.stage_seconds() == {
        "sources/extract": 2,
        "checks": 3,
        "text": 10,
        "dbt": 40,
        "publish": 3,
    }
    assert timings.counts["ASSET_MATERIALIZATION_PLANNED"] == 3
    assert timings.counts["STEP_START"] == 5
    assert "" not in timings.counts
    assert timings.failed == []


def test_a_failed_step_counts_and_a_killed_one_does_not():
    events = [
        Event("STEP_START", START + 1, "raw__feedback"),
        Event("STEP_FAILURE", START + 3, "raw__feedback"),
        Event("STEP_START", START + 3, "publish__bi_copy"),  # killed: no end
    ]
    timings = run_timings(events, process_start=START)
    assert timings.steps == {"raw__feedback": 2}
    assert timings.step_stages == {"raw__feedback": "sources/extract"}
    assert timings.failed == ["raw__feedback"]


@pytest.mark.parametrize(
    ("step", "assets", "checked", "stage"),
    [
        ("source__crm", ["source/crm"], False, "sources/extract"),
        ("quarantine__ledger", ["quarantine/ledger"], False, "sources/extract"),
        ("quarantine__ledger_rows_in_equal_raw_plus_quarantined", [], True, "checks"),
        ("marts__topic_alerts_topic_alerts_new", [], True, "checks"),
        ("text__statement_tags", ["text/statement_tags"], False, "text"),
        ("cxlink_dbt_models", ["marts/nps_monthly", "text/topics"], True, "dbt"),
        ("publish__bi_copy", ["publish/bi_copy"], False, "publish"),
        # failed before materializing anything: named by the step key
        ("cxlink_dbt_models", [], False, "dbt"),
        ("raw__invoices", [], False, "sources/extract"),
        ("raw__invoices_gx_raw_invoices", [], False, "checks"),
        ("something_new", [], False, "other"),
    ],
)
def test_stage_of_step(step, assets, checked, stage):
    assert stage_of_step(step, assets, checked) == stage


def test_no_events_is_an_error():
    with pytest.raises(ValueError, match="not recorded"):
        run_timings([], process_start=START)


def test_events_from_a_real_event_log():
    @dg.asset(key=["raw", "things"])
    def things() -> int:
        return 1

    @dg.asset_check(asset=things)
    def things_positive() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([things, things_positive], instance=instance)
        events = events_from_log(instance.all_logs(result.run_id))
    kinds = [e.kind for e in events]
    assert "RUN_START" in kinds and "RUN_SUCCESS" in kinds  # names, not PIPELINE_START
    materialized = [e for e in events if e.kind == "ASSET_MATERIALIZATION"]
    assert [(e.step, e.asset) for e in materialized] == [("raw__things", "raw/things")]
    checks = [e for e in events if e.kind == "ASSET_CHECK_EVALUATION"]
    assert [e.asset for e in checks] == ["raw/things"]
    timings = run_timings(events, process_start=events[0].timestamp)
    assert set(timings.stage_seconds()) >= {"sources/extract"}
    assert sum(timings.counts.values()) == len([e for e in events if e.kind])


def test_tree_rss_sums_a_process_and_its_descendants_only():
    table = {1: (0, 100), 10: (1, 5), 11: (10, 7), 12: (10, 9), 20: (1, 1000), 13: (11, 2)}
    assert tree_rss(table, 10) == 5 + 7 + 9 + 2
    assert tree_rss(table, 11) == 7 + 2
    assert tree_rss(table, 99) == 0


def test_process_table_sees_this_process():
    table = process_table()
    ppid, rss = table[os.getpid()]
    assert ppid == os.getppid() and rss > 10 * 1024 * 1024
