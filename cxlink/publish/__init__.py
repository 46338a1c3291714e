"""Publishing the marts: a PII-free DuckDB copy for BI tools and file exports for finance.

Pure Python (no Dagster). Everything is written under a temporary name beside its target and
moved into place with ``os.replace``: a reader never sees a half-written file, and a failed run
leaves the previous version untouched.
"""

from cxlink.publish.bi_copy import (
    PersonalDataError,
    PublishError,
    PublishReport,
    publish_bi_copy,
)
from cxlink.publish.common import DataWindow
from cxlink.publish.exports import FINANCE_TABLES, ExportedFile, ExportReport, export_marts
from cxlink.publish.manifest import TableDocs, mart_docs, mart_models
from cxlink.publish.personal_data import scan_for_personal_data

__all__ = [
    "FINANCE_TABLES",
    "DataWindow",
    "ExportReport",
    "ExportedFile",
    "PersonalDataError",
    "PublishError",
    "PublishReport",
    "TableDocs",
    "export_marts",
    "mart_docs",
    "mart_models",
    "publish_bi_copy",
    "scan_for_personal_data",
]
