"""`cxlink run`: materialize the pipeline on the landing zone as it is, in this process.

The console shows one line per stage (``cxlink.runlog``); the log file
``$CXLINK_DATA_DIR/logs/run-<UTC timestamp>.log`` has everything, DEBUG included.
"""

from __future__ import annotations

import os
import sys
import uuid
import warnings

import click

from cxlink.cli.app import CliState, cli, command
from cxlink.settings import Settings
from cxlink.sources.options import SourceConfigError

# --job: the jobs of orchestration/automation.py
JOBS = {"all": "cxlink_all", "main": "cxlink_main", "text": "cxlink_text"}


def _full_reload_config(settings: Settings, names: list[str] | None) -> dict:
    """Run config that makes the named sources (all of them for an empty list) reload fully."""
    if names is None:
        return {}
    from cxlink.sources.config import load_sources

    configured = [s.name for s in load_sources(settings.sources_path).sources]
    unknown = sorted(set(names) - set(configured))
    if unknown:
        raise SourceConfigError(
            f"--full-reload: no source named {', '.join(unknown)} in {settings.sources_path} "
            f"(configured: {', '.join(configured) or 'none'})."
        )
    chosen = names or configured
    return {"ops": {f"source__{name}": {"config": {"full_reload": True}} for name in chosen}}


def failure_extra_lines(settings: Settings) -> list[str]:
    """More lines for a failed run's message, from what the run left in the warehouse.

    The landing files and sources that could not be read (``landing.load_errors``): the reason
    the dbt models of their entities were skipped. Each line is printed indented under the
    failed and skipped steps."""
    import duckdb

    from cxlink.extract import load_errors

    path = settings.warehouse_path
    if not path.exists():
        return []
    try:  # read-only: a report must never be the thing that fails
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return []
    try:
        errors = load_errors(con)
    finally:
        con.close()
    if not errors:
        return []
    entities = sorted({e.entity for e in errors})
    return [
        f"could not be read (the models of {', '.join(entities)} were skipped; the rest built):",
        *(f"  {e.message}" for e in errors),
    ]


def execute(
    settings: Settings,
    job: str = "all",
    full_reload: list[str] | None = None,
    source_env: dict[str, str] | None = None,
    verbose: bool = False,
) -> tuple[int, list[str]]:
    """Run one of the jobs in this process: (0 when it succeeded, 1 when it failed; the
    end-of-run message, already in the log file, for the caller to print last)."""
    from cxlink import preflight
    from cxlink.runlog import run_lock

    run_config = _full_reload_config(settings, full_reload)
    # Common mistakes (an empty landing zone, a read-only data dir, a full disk, ...) stop here
    # in one sentence, before minutes of work end in an obscure failure.
    preflight.check_before_run(settings)
    # One run at a time per data directory: a second one stops here, naming the first.
    run_id = str(uuid.uuid4())  # what Dagster's run ids are
    with run_lock.run_lock(settings.data_dir, run_id):
        return _execute_locked(settings, job, run_config, source_env, verbose, run_id)


def _execute_locked(
    settings: Settings,
    job: str,
    run_config: dict,
    source_env: dict[str, str] | None,
    verbose: bool,
    run_id: str,
) -> tuple[int, list[str]]:
    import dagster as dg

    from cxlink import preflight, retention
    from cxlink.publish import clean_leftovers
    from cxlink.runlog import append_to_log, failure_lines, new_log_path, run_job, success_lines
    from cxlink.runlog.dead_runs import dead_run_line, fail_dead_runs, run_tags
    from cxlink.runlog.warehouse_lock import wait_until_writable
    from orchestration.definitions import build_definitions

    instance = _instance()
    # Runs a kill left STARTED would hold the UI's run queue: marked failed, one line each.
    dead = [dead_run_line(run) for run in fail_dead_runs(instance)] if instance else []
    # A notebook or BI tool holding the warehouse would fail the first write: wait out a short
    # reader, or stop now naming the one that stays.
    wait_until_writable(settings.warehouse_path)
    pruned = retention.prune(settings, instance)
    log_path = new_log_path(settings.layout.run_logs_dir)
    # What a killed publish left (temporary copies, a half-switched exports set) is repaired
    # before anything else, so even a run that stops early leaves the data dir clean.
    removed = clean_leftovers(settings.layout)
    # Loading the definitions takes seconds (the dbt manifest): say what starts, at once.
    print(f"cxlink run: {JOBS[job]} on {settings.data_dir} (log: {log_path})", flush=True)
    for line in dead:
        print(line, flush=True)
    if dead:
        append_to_log(log_path, dead)
    if removed:
        print(f"removed {len(removed)} leftover(s) of an interrupted publish", flush=True)
    if pruned.bytes_freed:
        print(f"{pruned} (CXLINK_KEEP_RUNS={settings.keep_runs})", flush=True)
    with warnings.catch_warnings():
        if not verbose:  # Dagster's beta/preview notices are for the code's authors
            warnings.simplefilter("ignore", dg.BetaWarning)
            warnings.simplefilter("ignore", dg.PreviewWarning)
        definitions = build_definitions(settings, source_env).resolve_job_def(JOBS[job])
        outcome = run_job(
            definitions,
            log_path,
            run_config,
            instance,
            verbose=verbose,
            run_id=run_id,
            tags=run_tags(),
        )
    if outcome.success:
        lines = success_lines(outcome)
    else:
        errors = [error for _, error in outcome.failed_steps]
        if outcome.log_error:
            errors.append(outcome.log_error)
        disk_full = [
            str(problem)
            for error in errors
            if (problem := preflight.disk_full_error(error, settings.data_dir))
        ]
        lines = failure_lines(outcome, [*disk_full[:1], *failure_extra_lines(settings)])
    append_to_log(log_path, lines)
    return (0 if outcome.success else 1), lines


def _instance():
    """The project's run history (``make dev`` shows it): DAGSTER_HOME, else the repository
    root where dagster.yaml is; None (an in-memory history) for an installed copy without one."""
    import dagster as dg

    from cxlink.preflight import default_dagster_home

    home = default_dagster_home()
    if home is None:
        return None
    # from_config, not DagsterInstance.get(): the same instance without writing DAGSTER_HOME
    # into this process's environment.
    return dg.DagsterInstance.from_config(str(home))


def _with_demo_vendors(settings: Settings, **kwargs) -> tuple[int, list[str]]:
    """The connector demo: its stand-in Stripe and HubSpot serve for the length of the run."""
    from cxlink.demo.as_sources import DEMO_HUBSPOT_TOKEN, DEMO_STRIPE_KEY, VENDORS_DIR, demo_port
    from cxlink.demo.vendor_api import serving_demo_vendors

    port = demo_port(settings.data_dir)
    if port is None:
        raise SourceConfigError(
            f"--demo-vendors: {settings.sources_path} is not the connector demo's sources file; "
            "write one with `cxlink generate-demo --as-sources` (or `make demo-sources`)."
        )
    env = dict(os.environ) | dict([DEMO_STRIPE_KEY, DEMO_HUBSPOT_TOKEN])
    print(f"demo vendors: Stripe on 127.0.0.1:{port}, HubSpot on 127.0.0.1:{port + 1}")
    with serving_demo_vendors(
        settings.data_dir / VENDORS_DIR, port, DEMO_STRIPE_KEY[1], DEMO_HUBSPOT_TOKEN[1]
    ):
        return execute(settings, source_env=env, **kwargs)


@command(cli, "run")
@click.option(
    "--job",
    type=click.Choice(list(JOBS)),
    default="all",
    show_default=True,
    help="all: everything (extract, checks, translation and tagging, dbt, publish); main: all "
    "but the text assets; text: translation and tagging only.",
)
@click.option(
    "--full-reload",
    is_flag=True,
    help="Read the SOURCE names given (every source, without names) from scratch instead of "
    "from their stored cursors and file manifest.",
)
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option(
    "--demo-vendors",
    is_flag=True,
    help="Serve the connector demo's Stripe and HubSpot on 127.0.0.1 during the run.",
)
@click.option("--no-summary", is_flag=True, help="Do not print the summary after the run.")
def run_command(
    state: CliState,
    job: str,
    full_reload: bool,
    sources: tuple[str, ...],
    demo_vendors: bool,
    no_summary: bool,
) -> int:
    """Materialize the pipeline on the landing zone as it is.

    Prints one line per stage with its counts and time, warnings and errors in full, and at
    the end what failed and was skipped; everything, DEBUG included, goes to
    $CXLINK_DATA_DIR/logs/run-<UTC timestamp>.log. Exit code 0: the run succeeded; 1: it failed;
    2: a setting or the sources file is wrong.
    """
    settings = state.settings()
    if sources and not full_reload:
        raise click.UsageError(
            "SOURCE names are for --full-reload: `cxlink run --full-reload "
            + " ".join(sources)
            + "`"
        )
    if full_reload and job == "text":
        raise click.UsageError("--full-reload reloads sources: use it with --job all or main")
    options = {
        "job": job,
        "full_reload": list(sources) if full_reload else None,
        "verbose": state.verbose,
    }
    runner = _with_demo_vendors if demo_vendors else execute
    code, end = runner(settings, **options)
    if code == 0:  # the run's end, then the summary
        print("\n".join(end))
    if not no_summary:
        from cxlink.summary import print_summary

        print_summary(settings)
    if code != 0:  # what failed and why comes last, where a person looks
        print("\n".join(end), file=sys.stderr)
    return code
