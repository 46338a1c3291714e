"""Every source kind cxlink can read, by name. docs/sources.md documents each one."""

from __future__ import annotations

from cxlink.sources.kinds import postgres
from cxlink.sources.model import Kind

# Each kind module defines one ``KIND``; a new kind is one import and one entry here.
_KINDS: tuple[Kind, ...] = (postgres.KIND,)

KINDS: dict[str, Kind] = {kind.name: kind for kind in _KINDS}
