"""The project's own paths and the layout of the data directory (``CXLINK_DATA_DIR``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


@dataclass(frozen=True)
class DataLayout:
    """Where everything lives under the one data directory (``CXLINK_DATA_DIR``)."""

    data_dir: Path

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def sources_path(self) -> Path:
        """The default sources file (docs/sources.md); CXLINK_SOURCES can point elsewhere."""
        return self.data_dir / "sources.yml"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def bi_copy_path(self) -> Path:
        """The published BI copy: the marts only, no personal data."""
        return self.data_dir / "cxlink_bi.duckdb"

    @property
    def exports_dir(self) -> Path:
        """Parquet, CSV and the finance workbook."""
        return self.data_dir / "exports"

    @property
    def dbt_docs_dir(self) -> Path:
        """`dbt docs generate` output (index.html, catalog.json), refreshed by every dbt build."""
        return self.data_dir / "dbt_docs"

    @property
    def report_dir(self) -> Path:
        """The HTML report every run writes (``index.html``, self-contained)."""
        return self.data_dir / "report"

    @property
    def tagger_models_dir(self) -> Path:
        """Tagger artifacts, one folder per version (``tagger-<hash>``)."""
        return self.data_dir / "models"

    @property
    def dbt_target_dir(self) -> Path:
        """Where dbt writes each invocation's target folder: beside the data, not in the repo,
        so a read-only checkout works and retention has one place to look."""
        return self.data_dir / "dbt_target"

    @property
    def run_logs_dir(self) -> Path:
        """One log file per `cxlink run` (``run-<UTC timestamp>.log``), DEBUG lines included."""
        return self.data_dir / "logs"

    @property
    def argos_models_dir(self) -> Path:
        """Where `.argosmodel` files are picked up from unless CXLINK_ARGOS_MODELS says."""
        return self.data_dir / "argos-models"
