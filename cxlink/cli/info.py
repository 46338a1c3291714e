"""`cxlink settings`, `cxlink sources`, `cxlink summary`: what is configured and what is there."""

from __future__ import annotations

import click

from cxlink.cli.app import CliState, cli, command


@command(cli, "settings")
@click.option("--dbt-vars", is_flag=True, help="Print the --vars JSON the pipeline passes to dbt.")
def settings_command(state: CliState, dbt_vars: bool) -> int:
    """Print every CXLINK_* setting: its default, current value and meaning."""
    from cxlink.settings import render_table

    settings = state.settings()
    click.echo(settings.dbt_vars_args()[1] if dbt_vars else render_table(settings))
    return 0


@command(cli, "sources")
def sources_command(state: CliState) -> int:
    """Check the sources file and list its sources and where each stands."""
    from cxlink.sources.status import print_sources

    return print_sources(state.settings())


@command(cli, "summary")
def summary_command(state: CliState) -> int:
    """Print row counts, the headline NPS and where the marts and exports are (read-only)."""
    from cxlink.summary import print_summary

    print_summary(state.settings())
    return 0
