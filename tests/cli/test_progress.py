"""The run's console lines from plain events: stage lines, progress, warnings, the failure block."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from cxlink.runlog.console import CLEAR, Console
from cxlink.runlog.events import (
    CHECK,
    LOG,
    MATERIALIZATION,
    STEP_FAILURE,
    STEP_START,
    STEP_SUCCESS,
    RunEvent,
    StepInfo,
    group_label,
)
from cxlink.runlog.progress import Line, Progress, stage_line
from cxlink.runlog.report import RunOutcome, failure_lines, success_lines

STEPS = {
    "raw__customers": StepInfo("raw__customers", "extract customers", "extract", assets=1),
    "cxlink_dbt_models": StepInfo("cxlink_dbt_models", "dbt build", "dbt", 3, 2, "models"),
    "text__feedback_translations": StepInfo(
        "text__feedback_translations", "text feedback_translations", "text", assets=1
    ),
    "publish__bi_copy": StepInfo("publish__bi_copy", "publish bi_copy", "publish", assets=1),
}


def texts(lines: list[Line], transient: bool = False) -> list[str]:
    return [line.text for line in lines if line.transient == transient]


def test_labels_say_what_a_step_does_to_what():
    assert group_label(("raw", "customers"), "extract") == "extract customers"
    assert group_label(("publish", "bi_copy"), "publish") == "publish bi_copy"
    assert group_label(("solo",), "extract") == "solo"


def test_one_line_per_stage_with_counts_and_elapsed_time():
    progress = Progress(STEPS)
    assert texts(progress.feed(RunEvent(STEP_START, "raw__customers", 100.0))) == []
    info = RunEvent(LOG, "raw__customers", 100.5, logging.INFO, "customers: 5012 rows in")
    assert progress.feed(info) == []  # kept for after the stage line
    progress.feed(RunEvent(MATERIALIZATION, "raw__customers", 103.0, rows=5000, quarantined=12))
    lines = texts(progress.feed(RunEvent(STEP_SUCCESS, "raw__customers", 103.1)))
    assert lines == [
        stage_line("extract customers", "5,000 rows (12 quarantined)", 3.1),
        "      customers: 5012 rows in",
    ]
    assert lines[0].startswith("  extract customers ....")
    assert lines[0].endswith("5,000 rows (12 quarantined)" + " " * 8 + "   3.1 s")


def test_a_passed_check_step_is_counted_not_shown_and_a_failed_one_is_shown():
    steps = {
        "gx_a": StepInfo("gx_a", "check raw/a gx", "extract", assets=0),
        "gx_b": StepInfo("gx_b", "check raw/b gx", "extract", assets=0),
    }
    progress = Progress(steps)
    for step, passed in (("gx_a", True), ("gx_b", False)):
        progress.feed(RunEvent(STEP_START, step, 1.0))
        progress.feed(RunEvent(CHECK, step, 1.5, asset="raw/x", check="gx", passed=passed,
                               severity="ERROR", description="2 expectations failed"))  # fmt: skip
        done = texts(progress.feed(RunEvent(STEP_SUCCESS, step, 2.0)))
        assert done == ([] if passed else [stage_line("check raw/b gx", "failed", 1.0)])
    assert progress.checks_passed_quietly == 1
    outcome = RunOutcome(True, "r1", 9.0, checks_passed=1)
    assert success_lines(outcome) == ["run r1 succeeded in 9.0 s; 1 check passed"]


def test_dbt_reports_n_of_m_models_as_they_arrive():
    progress = Progress(STEPS)
    started = progress.feed(RunEvent(STEP_START, "cxlink_dbt_models", 0.0))
    assert texts(started, transient=True) == ["  dbt build ... 0 of 3 models"]
    shown = []
    for i in range(3):
        event = RunEvent(MATERIALIZATION, "cxlink_dbt_models", 1.0 + i, asset=f"marts/m{i}")
        shown += texts(progress.feed(event), transient=True)
    assert shown == [f"  dbt build ... {n} of 3 models" for n in (1, 2, 3)]
    for name in ("a", "b"):
        progress.feed(RunEvent(CHECK, "cxlink_dbt_models", 4.0, asset="marts/m0", check=name,
                               passed=True))  # fmt: skip
    done = texts(progress.feed(RunEvent(STEP_SUCCESS, "cxlink_dbt_models", 5.0)))
    assert done == [stage_line("dbt build", "3 of 3 models, 2 of 2 checks passed", 5.0)]


def test_progress_info_lines_are_transient_and_others_follow_the_stage_line():
    progress = Progress(STEPS)
    step = "text__feedback_translations"
    progress.feed(RunEvent(STEP_START, step, 0.0))
    batch = RunEvent(LOG, step, 1.0, logging.INFO, "translated 320 of 1,200 sentences")
    assert texts(progress.feed(batch), transient=True) == [
        "  text feedback_translations ... translated 320 of 1,200 sentences"
    ]
    detail = RunEvent(LOG, step, 1.0, logging.DEBUG, "batch 3: 32 sentences")
    assert progress.feed(detail) == []  # DEBUG: the log file only
    dbt_noise = RunEvent(LOG, step, 1.0, logging.INFO, "Running dbt command: `dbt build`.")
    assert progress.feed(dbt_noise) == []


def test_warnings_and_errors_in_full_at_once():
    progress = Progress(STEPS)
    warning = RunEvent(LOG, "raw__customers", 1.0, logging.WARNING, "odd file\nline two")
    assert texts(progress.feed(warning)) == [
        "  warning: extract customers: odd file",
        "      line two",
    ]
    failed_check = RunEvent(CHECK, "cxlink_dbt_models", 2.0, asset="marts/m0", check="unique",
                            passed=False, severity="WARN", description="3 failing rows")  # fmt: skip
    assert texts(progress.feed(failed_check)) == [
        "  warning: check marts/m0:unique did not pass: 3 failing rows"
    ]
    assert progress.failed_checks == []  # a WARN check does not fail the run


def test_only_the_deliberately_dbt_only_tests_notice_is_left_to_the_log_file():
    progress = Progress(STEPS)
    notice = "Logging an `AssetObservation` instead of an `AssetCheckResult` for dbt test `{}`."
    expected = RunEvent(LOG, "cxlink_dbt_models", 1.0, logging.WARNING,
                        notice.format("no_unreadable_files_customers"))  # fmt: skip
    assert progress.feed(expected) == []
    other = RunEvent(LOG, "cxlink_dbt_models", 1.0, logging.WARNING,
                     notice.format("spells_disjoint"))  # fmt: skip
    assert len(texts(progress.feed(other))) == 1


def test_a_failed_step_shows_its_error_and_counts_in_the_summary():
    progress = Progress(STEPS)
    progress.feed(RunEvent(STEP_START, "cxlink_dbt_models", 0.0))
    progress.feed(RunEvent(MATERIALIZATION, "cxlink_dbt_models", 1.0, asset="staging/a"))
    progress.feed(RunEvent(CHECK, "cxlink_dbt_models", 1.5, asset="staging/a", check="not_null",
                           passed=False, description="2 failing rows"))  # fmt: skip
    failure = RunEvent(STEP_FAILURE, "cxlink_dbt_models", 2.0, error="dbt build failed\ndetail")
    lines = texts(progress.feed(failure))
    assert lines[0] == stage_line("dbt build", "FAILED (1 of 3 models built)", 2.0)
    assert lines[1:] == ["      dbt build failed", "      detail"]
    assert progress.failed_steps == [("dbt build", "dbt build failed")]
    assert progress.failed_checks == [("staging/a:not_null", "2 failing rows")]
    assert progress.not_built == ["dbt build: 2 of 3 models not built"]
    # raw__customers started but never ended; the other two never started
    progress.feed(RunEvent(STEP_START, "raw__customers", 0.0))
    assert progress.skipped_by_group() == {"publish": 1, "text": 1}


def test_the_failure_block_lists_failed_skipped_and_extra_lines():
    outcome = RunOutcome(
        success=False,
        run_id="r1",
        seconds=12.0,
        log_path=Path("/data/logs/run-x.log"),
        failed_steps=[("extract customers", "not valid UTF-8 text")],
        failed_checks=[("raw/customers:gx_raw_customers", "12 rows out of range")],
        skipped_by_group={"dbt": 1, "text": 2},
    )
    assert failure_lines(outcome, ["files that could not be read: customers/a.csv"]) == [
        "run r1 failed after 12.0 s: 1 step failed, 1 check failed, 3 steps skipped",
        "  failed: extract customers: not valid UTF-8 text",
        "  failed check: raw/customers:gx_raw_customers: 12 rows out of range",
        "  skipped, because a step or blocking check they depend on failed: 1 dbt, 2 text",
        "  files that could not be read: customers/a.csv",
        "full log (DEBUG included): /data/logs/run-x.log",
    ]
    ok = RunOutcome(success=True, run_id="r2", seconds=3.0, log_path=Path("/l.log"))
    assert success_lines(ok) == ["run r2 succeeded in 3.0 s", "full log (DEBUG included): /l.log"]


def test_a_terminal_rewrites_the_progress_line_a_pipe_gets_one_every_few_seconds():
    tty = io.StringIO()
    console = Console(tty, tty=True)
    console.write(
        [Line("  dbt ... 1 of 3", True, "s", 0.0), Line("  dbt ... 2 of 3", True, "s", 1.0)]
    )
    console.write([Line("  dbt ....... done")])
    assert tty.getvalue() == (
        f"{CLEAR}  dbt ... 1 of 3{CLEAR}  dbt ... 2 of 3{CLEAR}  dbt ....... done\n"
    )
    pipe = io.StringIO()
    console = Console(pipe, tty=False, every_s=10.0)
    console.write([Line(f"  dbt ... {t} s", True, "s", float(t)) for t in range(0, 35)])
    assert pipe.getvalue().splitlines() == ["  dbt ... 10 s", "  dbt ... 20 s", "  dbt ... 30 s"]


def test_a_failed_dbt_command_is_summarized_by_dbts_first_error():
    from cxlink.runlog.progress import error_summary

    message = (
        "The dbt CLI process with command\n\n`dbt build --vars {...}`\n\nfailed with exit code "
        "`1`.\n\nErrors parsed from dbt logs:\n\n558 of 596 FAIL 1 churn_at_most_one ......... "
        "[\x1b[31mFAIL 1\x1b[0m in 0.08s]\n\nFailure in test churn_at_most_one"
    )
    assert error_summary(message) == "dbt: 558 of 596 FAIL 1 churn_at_most_one"
    assert error_summary("ValueError: boom\ntraceback") == "ValueError: boom"


def test_at_most_a_few_info_lines_follow_a_stage_line():
    progress = Progress(STEPS)
    progress.feed(RunEvent(STEP_START, "raw__customers", 0.0))
    for i in range(10):
        progress.feed(RunEvent(LOG, "raw__customers", 0.1, logging.INFO, f"file {i}: new"))
    lines = texts(progress.feed(RunEvent(STEP_SUCCESS, "raw__customers", 1.0)))
    assert lines[1:] == ["      file 0: new", "      (8 more in the log file)", "      file 9: new"]


def test_a_quiet_step_gets_a_heartbeat_with_its_latest_progress():
    progress = Progress(STEPS)
    assert progress.heartbeat(5.0) == []
    progress.feed(RunEvent(STEP_START, "cxlink_dbt_models", 100.0))
    progress.feed(RunEvent(MATERIALIZATION, "cxlink_dbt_models", 101.0, asset="marts/m0"))
    assert texts(progress.heartbeat(130.0), transient=True) == [
        "  dbt build ... 1 of 3 models (30 s)"
    ]
    progress.feed(RunEvent(STEP_SUCCESS, "cxlink_dbt_models", 131.0))
    assert progress.heartbeat(140.0) == []
