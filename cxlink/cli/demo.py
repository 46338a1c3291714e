"""`cxlink generate-demo`: the seeded demo landing zone (and the connector demo's sources)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from cxlink.cli.app import CliState, cli, command
from cxlink.errors import UserError


@command(cli, "generate-demo")
@click.option("--customers", type=int, default=5000, show_default=True, help="Customers to make.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2026-10-31",
    show_default=True,
    help="The demo's last day (YYYY-MM-DD).",
)
@click.option(
    "--landing-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write it (default: $CXLINK_DATA_DIR/landing).",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing demo landing zone.")
@click.option("--clean-only", is_flag=True, help="No deliberately dirty rows.")
@click.option(
    "--as-sources",
    is_flag=True,
    help="Re-deliver customers, billing and feedback as HubSpot, Stripe and Qualtrics data with "
    "a sources file (the connector demo; run it with `cxlink run --demo-vendors`).",
)
@click.option(
    "--vendor-port", type=int, default=8765, show_default=True, help="The demo Stripe's port."
)
def generate_demo(
    state: CliState,
    customers: int,
    seed: int,
    as_of: datetime,
    landing_dir: Path | None,
    overwrite: bool,
    clean_only: bool,
    as_sources: bool,
    vendor_port: int,
) -> int:
    """Write the seeded demo landing zone: customers, subscriptions, invoices, feedback, costs."""
    from cxlink.demo import generate
    from cxlink.demo.as_sources import remove_demo_sources, write_as_sources

    settings = state.settings()
    landing = landing_dir or settings.landing_dir
    try:
        report = generate(
            landing,
            customers=customers,
            seed=seed,
            as_of_date=date(as_of.year, as_of.month, as_of.day),
            dirty=not clean_only,
            overwrite=overwrite,
        )
    except FileExistsError as exc:
        raise UserError(f"{exc}.") from exc
    except ValueError as exc:  # an option out of range (--customers 0, --as-of too early)
        raise UserError(f"{exc}.") from exc
    rows = sum(report["rows"].values())
    dirty = sum(report["dirty_rows"].values())
    click.echo(
        f"demo landing zone written to {landing}: {report['customers']:,} customers "
        f"(seed {report['seed']}), {report['files']} files, {rows:,} rows"
        + (f" plus {dirty:,} deliberately broken ones" if dirty else "")
        + f" in {report['seconds']:.1f} s"
    )
    if as_sources:
        converted = write_as_sources(settings.data_dir, vendor_port)
        click.echo(
            "connector demo: "
            + ", ".join(f"{entity} {n} rows" for entity, n in converted.items())
            + f" re-delivered as HubSpot, Stripe and Qualtrics; {settings.sources_path}"
        )
    elif remove_demo_sources(settings.data_dir):
        click.echo("connector demo removed (its sources file, exports and vendor accounts)")
    return 0
