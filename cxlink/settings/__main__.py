"""`python -m cxlink.settings`: every setting with its default and current value."""

from __future__ import annotations

import sys

from cxlink.settings import Settings, SettingsError, render_table


def main(argv: list[str] | None = None) -> int:
    """Print every setting with its default and current value; exit 2 on a bad value."""
    try:
        settings = Settings.from_env()
    except SettingsError as err:
        print(f"cxlink settings: {err}", file=sys.stderr)
        return 2
    print(render_table(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
