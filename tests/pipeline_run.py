"""Helpers for tests that run the whole pipeline with dg.materialize on a temporary data dir."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from cxlink.settings import Settings
from orchestration.resources import build_resources

# The default demo scale: the shared end-to-end run (tests/conftest.py `demo_run`).
DEMO_CUSTOMERS = 5000
DEMO_SEED = 42


def all_definitions(settings: Settings, source_env: dict[str, str] | None = None):
    from orchestration.definitions import build_definitions

    defs = build_definitions(settings, source_env)
    return list(defs.assets or []), list(defs.asset_checks or [])


def materialize(
    data_dir: Path, raise_on_error: bool = True, source_env: dict[str, str] | None = None
) -> dg.ExecuteInProcessResult:
    """Every asset and check on ``data_dir`` (with its sources.yml, if any; ``source_env``:
    where the sources read credentials)."""
    # The caller's settings (e.g. CXLINK_AS_OF_DATE), on a data directory of the test's own.
    settings = Settings.from_env({**os.environ, "CXLINK_DATA_DIR": str(data_dir)})
    assets, checks = all_definitions(settings, source_env)
    return dg.materialize(
        [*assets, *checks],
        resources=build_resources(settings),
        raise_on_error=raise_on_error,
    )
