"""Runtime settings, read from the environment when asked for (never at import time).

One setting places everything: ``CXLINK_DATA_DIR`` (default ``<project>/data``) holds the landing
zone ``landing/<entity>/`` and the warehouse ``warehouse.duckdb``. The dbt profile reads the same
variable; Dagster resources and the CLI resolve it here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    reporting_currency: str = "EUR"

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def dbt_docs_dir(self) -> Path:
        """`dbt docs generate` output (index.html, catalog.json), refreshed by every dbt build."""
        return self.data_dir / "dbt_docs"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        raw_dir = env.get("CXLINK_DATA_DIR") or str(DEFAULT_DATA_DIR)
        currency = (env.get("CXLINK_REPORTING_CURRENCY") or "EUR").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValueError(
                f"CXLINK_REPORTING_CURRENCY must be an ISO 4217 code such as EUR, got {currency!r}"
            )
        # Absolute, so that dbt (which runs inside dbt_project/) and Dagster resolve the same file.
        return cls(data_dir=Path(raw_dir).expanduser().resolve(), reporting_currency=currency)

    def dbt_env(self) -> dict[str, str]:
        """Environment variables the dbt profile reads, resolved to absolute paths."""
        return {
            "CXLINK_DATA_DIR": str(self.data_dir),
            "CXLINK_REPORTING_CURRENCY": self.reporting_currency,
        }
