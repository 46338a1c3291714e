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


def _run_pipeline(
    settings: Settings, full_reload: list[str] | None = None, demo_vendors: bool = False
) -> int:
    if demo_vendors:
        return _run_with_demo_vendors(settings, full_reload)
    return _execute(settings, full_reload)


def _run_with_demo_vendors(settings: Settings, full_reload: list[str] | None) -> int:
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
        return _execute(settings, full_reload, source_env=env)


def _execute(
    settings: Settings, full_reload: list[str] | None, source_env: dict[str, str] | None = None
) -> int:
    import dagster as dg

    from orchestration.automation import ALL_JOB_NAME
    from orchestration.definitions import build_definitions

    # Record the run in the project's instance (visible in `make dev`) when DAGSTER_HOME is set.
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else None
    # One run, in dependency order: extract -> checks -> translate and tag what is new -> dbt
    # -> publish.
    job = build_definitions(settings, source_env).resolve_job_def(ALL_JOB_NAME)
    result = job.execute_in_process(
        run_config=_full_reload_config(settings, full_reload),
        instance=instance,
        raise_on_error=False,
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
    gen.add_argument(
        "--as-sources",
        action="store_true",
        help="re-deliver customers, billing and feedback as HubSpot, Stripe and Qualtrics data "
        "with a sources file (the connector demo; run it with `cxlink run --demo-vendors`)",
    )
    gen.add_argument("--vendor-port", type=int, default=8765, help="the demo Stripe's port")

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
    run.add_argument(
        "--demo-vendors",
        action="store_true",
        help="serve the connector demo's Stripe and HubSpot on 127.0.0.1 during the run",
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
        from cxlink.demo.as_sources import remove_demo_sources, write_as_sources

        if args.as_sources:
            converted = write_as_sources(settings.data_dir, args.vendor_port)
            print(
                "connector demo: "
                + ", ".join(f"{entity} {n} rows" for entity, n in converted.items())
                + f" re-delivered as HubSpot, Stripe and Qualtrics; {settings.sources_path}"
            )
        elif remove_demo_sources(settings.data_dir):
            print("connector demo removed (its sources file, exports and vendor accounts)")
        return 0
    if args.command == "sources":
        from cxlink.sources.status import print_sources

        return _config_errors_as_exit_code(lambda: print_sources(settings))
    if args.command == "run":
        code = _config_errors_as_exit_code(
            lambda: _run_pipeline(settings, args.full_reload, args.demo_vendors)
        )
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
