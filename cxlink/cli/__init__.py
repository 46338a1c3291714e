"""`cxlink`: generate demo data, run the pipeline, print the summary, and the tools around them.

``main(argv) -> int`` is the console script's entry point (tests call it too). The commands are
click commands, one small module each; ``cxlink.cli.app`` holds the group and the options every
command shares (``--data-dir``, ``--verbose``). A ``cxlink.errors.UserError`` (bad settings, a
wrong sources file, ...) ends the command with ``cxlink: <message>`` on stderr and exit code 2,
the traceback only with ``--verbose``.
"""

from __future__ import annotations

import sys
import traceback

import click

# The command modules register their commands on the group when imported.
from cxlink.cli import demo, info, tools  # noqa: F401
from cxlink.cli.app import cli
from cxlink.cli.run import _full_reload_config
from cxlink.errors import UserError

__all__ = ["_full_reload_config", "cli", "main"]

VERBOSE_FLAGS = ("--verbose", "-v")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        code = cli.main(args=argv, prog_name="cxlink", standalone_mode=False)
    except UserError as err:
        # --verbose is read from argv: the error may come before the options were parsed
        if any(flag in argv for flag in VERBOSE_FLAGS):
            traceback.print_exc()
        print(f"cxlink: {err}", file=sys.stderr)
        return 2
    except click.ClickException as err:  # a wrong option or argument: click's usage message
        err.show()
        return err.exit_code
    except click.Abort:
        print("cxlink: interrupted", file=sys.stderr)
        return 130
    return code if isinstance(code, int) else 0
