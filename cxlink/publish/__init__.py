"""Publishing the marts: a PII-free DuckDB copy for BI tools and file exports for finance.

Pure Python (no Dagster). ``release.publish`` writes both as one version: everything is built
under a temporary name beside its target and moved into place with atomic renames, so a reader
never sees a half-written file, a failed run leaves the previous version untouched, and
``clean_leftovers`` removes what a killed one left.
"""

from cxlink.publish.bi_copy import (
    PersonalDataError,
    PublishError,
    PublishReport,
    publish_bi_copy,
)
from cxlink.publish.common import DataWindow
from cxlink.publish.copy_check import published_version
from cxlink.publish.exports import FINANCE_TABLES, ExportOptions, ExportReport, export_marts
from cxlink.publish.exports_set import ExportedFile, current_version, read_published
from cxlink.publish.leftovers import clean_leftovers
from cxlink.publish.manifest import TableDocs, mart_docs, mart_models
from cxlink.publish.personal_data import scan_for_personal_data
from cxlink.publish.release import Release, publish

__all__ = [
    "FINANCE_TABLES",
    "DataWindow",
    "ExportOptions",
    "ExportReport",
    "ExportedFile",
    "PersonalDataError",
    "PublishError",
    "PublishReport",
    "Release",
    "TableDocs",
    "clean_leftovers",
    "current_version",
    "export_marts",
    "mart_docs",
    "mart_models",
    "publish",
    "publish_bi_copy",
    "published_version",
    "read_published",
    "scan_for_personal_data",
]
