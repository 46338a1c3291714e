"""`python -m cxlink.settings`: every setting with its default and current value.

``--dbt-vars`` prints the ``--vars`` JSON the pipeline passes to dbt instead (``make prepare``
parses the project with it, so the pipeline's dbt steps can reuse that parse).
"""

from __future__ import annotations

import argparse
import sys

from cxlink.settings import Settings, SettingsError, render_table


def main(argv: list[str] | None = None) -> int:
    """Print the table (or the dbt vars); exit 2 on a bad value."""
    parser = argparse.ArgumentParser(prog="python -m cxlink.settings", description=__doc__)
    parser.add_argument("--dbt-vars", action="store_true", help="print the dbt --vars JSON")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as err:
        print(f"cxlink settings: {err}", file=sys.stderr)
        return 2
    print(settings.dbt_vars_args()[1] if args.dbt_vars else render_table(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
