"""The `cxlink` group and the options every command shares: ``--data-dir`` and ``--verbose``.

Both are accepted before the command (``cxlink --data-dir D run``) and after it
(``cxlink run --data-dir D``). ``--data-dir`` overrides CXLINK_DATA_DIR for this command only:
the settings are read from the environment with it (``CliState.settings``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import click

from cxlink.settings import Settings, environment_with_data_dir

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class CliState:
    data_dir: Path | None = None
    verbose: bool = False

    def env(self) -> dict[str, str]:
        """The environment with ``--data-dir`` applied (for tools run as processes)."""
        return environment_with_data_dir(self.data_dir)

    def settings(self) -> Settings:
        """Read once per command: a bad value stops it here, with the one sentence."""
        return Settings.from_env(self.env())


def _remember(ctx: click.Context, param: click.Parameter, value):
    state = ctx.ensure_object(CliState)
    if param.name == "data_dir" and value is not None:
        state.data_dir = value
    if param.name == "verbose" and value:
        state.verbose = True
    return value


DATA_DIR = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    expose_value=False,
    callback=_remember,
    help="Data directory for this command (overrides CXLINK_DATA_DIR; default ./data).",
)
VERBOSE = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    expose_value=False,
    callback=_remember,
    help="Show the DEBUG stream on the console, and tracebacks with errors.",
)


def command(group: click.Group, name: str, **kwargs):
    """A subcommand of ``group`` with the shared options; it receives the ``CliState``."""

    def decorate(fn):
        @functools.wraps(fn)
        def with_state(*args, **kw):
            return fn(click.get_current_context().ensure_object(CliState), *args, **kw)

        return group.command(name, **kwargs)(DATA_DIR(VERBOSE(with_state)))

    return decorate


@click.group(context_settings=CONTEXT)
@DATA_DIR
@VERBOSE
def cli() -> None:
    """cxlink: a batch ELT pipeline that links NPS/CSAT feedback to revenue.

    Start with `cxlink generate-demo`, then `cxlink run`; `cxlink summary` prints the result
    again. Every setting is a CXLINK_* environment variable (`cxlink settings` lists them).
    """
