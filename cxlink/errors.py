"""The one error type the command line shows without a traceback."""

from __future__ import annotations


class UserError(ValueError):
    """A problem the person running cxlink can fix: one sentence naming it, then the fix.

    ``cxlink`` prints ``cxlink: <message>`` and exits with code 2; the traceback appears only
    with ``--verbose``. Subclasses: settings, the sources file, preflight checks.
    """
