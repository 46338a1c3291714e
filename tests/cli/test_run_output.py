"""`cxlink run`'s output on a tiny job of dummy assets, through the same code as the pipeline's
run (``cxlink.cli.run.execute`` -> ``cxlink.runlog.run_job``): stage lines on the console, the
DEBUG stream in the log file only, and the failure block at the end."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
import pytest

import orchestration.definitions
from cxlink.cli import main


def tiny_definitions(fail: bool) -> dg.Definitions:
    @dg.asset(key=["raw", "alpha"], group_name="extract")
    def alpha(context):
        context.log.info("alpha: 4 rows in = 3 raw + 1 quarantined")
        context.log.debug("alpha detail for the log file")
        print("echoed like dbt's log lines")
        return dg.MaterializeResult(metadata={"dagster/row_count": 3, "rows_quarantined": 1})

    @dg.asset(key=["raw", "beta"], group_name="extract", deps=[alpha])
    def beta(context):
        context.log.warning("beta: one file looks odd\nits second line")
        if fail:
            raise ValueError("beta broke\nwith detail")

    @dg.asset(key=["marts", "gamma"], group_name="marts", deps=[beta])
    def gamma() -> None:
        return None

    job = dg.define_asset_job("cxlink_all", selection=dg.AssetSelection.all())
    return dg.Definitions(assets=[alpha, beta, gamma], jobs=[job], executor=dg.in_process_executor)


@pytest.fixture
def run_tiny(tmp_path: Path, monkeypatch, capsys):
    import cxlink.cli.run
    import cxlink.preflight
    import cxlink.retention

    # an ephemeral instance, and no landing zone to check (tests/test_preflight.py does)
    monkeypatch.setattr(cxlink.cli.run, "_instance", lambda: None)
    monkeypatch.setattr(cxlink.preflight, "check_before_run", lambda settings: None)
    # and no retention: it would prune the repository's own dbt target folders
    monkeypatch.setattr(cxlink.retention, "prune", lambda *_: cxlink.retention.PruneReport())

    def run(fail: bool, *options: str):
        monkeypatch.setattr(
            orchestration.definitions, "build_definitions", lambda *_: tiny_definitions(fail)
        )
        code = main(["run", "--no-summary", "--data-dir", str(tmp_path), *options])
        out, err = capsys.readouterr()
        logs = sorted((tmp_path / "logs").glob("run-*.log"))
        assert len(logs) == 1, logs
        return code, out, err, logs[0]

    return run


def test_a_run_prints_stage_lines_and_logs_everything(run_tiny):
    code, out, err, log = run_tiny(False)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"cxlink run: cxlink_all on {log.parents[1]} (log: {log})"
    alpha = next(line for line in lines if line.startswith("  extract alpha ."))
    assert "3 rows (1 quarantined)" in alpha and alpha.endswith(" s")
    assert "      alpha: 4 rows in = 3 raw + 1 quarantined" in lines
    assert any(line.startswith("  extract beta .") for line in lines)
    assert any(line.startswith("  marts gamma .") for line in lines)
    # the warning at once and in full
    assert "  warning: extract beta: beta: one file looks odd" in lines
    assert "      its second line" in lines
    # no DEBUG stream, no Dagster event lines, no echo of the step's stdout on the console
    for hidden in ("alpha detail", "STEP_START", "RUN_START", "echoed like dbt"):
        assert hidden not in out + err
    assert len(lines) <= 9, out
    assert lines[-1] == f"full log (DEBUG included): {log}"
    text = log.read_text()
    for shown_only_here in ("DEBUG", "alpha detail for the log file", "STEP_START",
                            "echoed like dbt's log lines"):  # fmt: skip
        assert shown_only_here in text
    assert "succeeded in" in text  # the end-of-run message is in the file too


def test_verbose_shows_the_debug_stream(run_tiny):
    code, out, _, _ = run_tiny(False, "--verbose")
    assert code == 0
    assert "alpha detail for the log file" in out and "STEP_START" in out
    assert "echoed like dbt's log lines" in out


def test_a_failed_run_ends_with_what_failed_and_what_was_skipped(run_tiny):
    code, out, err, log = run_tiny(True)
    assert code == 1
    # the failed stage and its error in full, where it happened
    assert "      ValueError: beta broke" in out and "      with detail" in out
    block = err.splitlines()
    assert block[0].startswith("run ") and block[0].endswith("1 step failed, 1 step skipped"), block
    assert "  failed: extract beta: ValueError: beta broke" in block
    assert "  skipped, because a step or blocking check they depend on failed: 1 marts" in block
    assert block[-1] == f"full log (DEBUG included): {log}"
    assert "Traceback" not in out + err  # the traceback is in the log file
    assert "Stack Trace" in log.read_text() and "1 step failed" in log.read_text()


def test_the_failure_block_has_room_for_more_lines(run_tiny, monkeypatch):
    import cxlink.cli.run

    monkeypatch.setattr(
        cxlink.cli.run, "failure_extra_lines", lambda settings: ["not read: landing/x.csv"]
    )
    _, _, err, _ = run_tiny(True)
    assert "  not read: landing/x.csv" in err.splitlines()


def test_python_m_still_works():
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "cxlink.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "generate-demo" in done.stdout


def test_a_failed_run_names_the_files_that_could_not_be_read(tmp_path):
    import duckdb

    from cxlink.cli.run import failure_extra_lines
    from cxlink.extract.load_errors import record_load_errors
    from cxlink.settings import Settings

    settings = Settings.from_env({"CXLINK_DATA_DIR": str(tmp_path)})
    assert failure_extra_lines(settings) == []  # no warehouse yet: nothing to say, no error
    con = duckdb.connect(str(settings.warehouse_path))
    record_load_errors(
        con,
        "customers",
        "landing/customers/",
        [("customers/crm.csv", "not valid UTF-8 text (byte 0xe9 at line 3): save it as UTF-8")],
    )
    con.close()
    assert failure_extra_lines(settings) == [
        "could not be read (the models of customers were skipped; the rest built):",
        "  landing/customers/crm.csv: not valid UTF-8 text (byte 0xe9 at line 3): save it as UTF-8",
    ]
