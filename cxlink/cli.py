"""`cxlink` command line: generate demo data, run the pipeline, print the summary."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from cxlink.settings import Settings, SettingsError, render_table
from cxlink.sources.options import SourceConfigError


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


def _run_pipeline(settings: Settings, full_reload: list[str] | None = None) -> int:
    import dagster as dg

    from orchestration.automation import ALL_JOB_NAME, full_range_tags
    from orchestration.definitions import build_definitions
    from orchestration.partitions import feedback_month_partitions

    # Record the run in the project's instance (visible in `make dev`) when DAGSTER_HOME is set.
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else None
    # One run, in dependency order: extract -> checks -> translate every feedback month (the
    # text assets are partitioned; the range covers all months) -> dbt -> publish.
    job = build_definitions(settings).resolve_job_def(ALL_JOB_NAME)
    months = feedback_month_partitions(settings.partitions_start)
    result = job.execute_in_process(
        run_config=_full_reload_config(settings, full_reload),
        instance=instance,
        raise_on_error=False,
        tags=full_range_tags(months),
    )
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        print(
            f"run {result.run_id} failed in: {', '.join(failed) or 'unknown step'}", file=sys.stderr
        )
        for event in result.all_events:
            if event.is_step_failure and event.step_failure_data.error:
                print(
                    f"  {event.step_key}: {event.step_failure_data.error.message}", file=sys.stderr
                )
        return 1
    return 0


def _config_errors_as_exit_code(action) -> int:
    """A wrong sources file stops the command with its one-sentence message (exit code 2)."""
    try:
        return action()
    except SourceConfigError as err:
        print(f"cxlink: {err}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cxlink", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate-demo", help="write the seeded demo landing zone")
    gen.add_argument("--customers", type=int, default=5000)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 10, 31))
    gen.add_argument(
        "--landing-dir", type=Path, default=None, help="default: $CXLINK_DATA_DIR/landing"
    )
    gen.add_argument(
        "--overwrite", action="store_true", help="replace an existing demo landing zone"
    )
    gen.add_argument("--clean-only", action="store_true", help="no deliberately dirty rows")

    run = sub.add_parser("run", help="materialize every asset on the landing zone as it is")
    run.add_argument("--no-summary", action="store_true")
    run.add_argument(
        "--full-reload",
        nargs="*",
        metavar="SOURCE",
        default=None,
        help="read the named sources (all, without names) from scratch instead of from their "
        "stored cursors and file manifest",
    )
    sub.add_parser("sources", help="check the sources file and list its sources and their state")
    sub.add_parser("summary", help="print row counts, the headline NPS and where things are")
    sub.add_parser("settings", help="print every CXLINK_* setting: default, current value, meaning")

    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as err:
        print(f"cxlink: {err}", file=sys.stderr)
        return 2
    if args.command == "settings":
        print(render_table(settings))
        return 0
    if args.command == "generate-demo":
        from cxlink.demo import generate

        landing = args.landing_dir or settings.landing_dir
        report = generate(
            landing,
            customers=args.customers,
            seed=args.seed,
            as_of_date=args.as_of,
            dirty=not args.clean_only,
            overwrite=args.overwrite,
        )
        print(f"demo landing zone written to {landing}: {report}")
        return 0
    if args.command == "sources":
        from cxlink.sources.status import print_sources

        return _config_errors_as_exit_code(lambda: print_sources(settings))
    if args.command == "run":
        code = _config_errors_as_exit_code(lambda: _run_pipeline(settings, args.full_reload))
        if code == 2:
            return code
        if not args.no_summary:
            from cxlink.summary import print_summary

            print_summary(settings)
        return code
    from cxlink.summary import print_summary

    print_summary(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
