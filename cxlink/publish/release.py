"""One publish: the BI copy and the exports as one version, in an order a kill cannot break.

1. Under the publish lock, clean what killed publishes left (leftovers.py).
2. Stage the BI copy: ``cxlink_bi.duckdb.tmp-<pid>``, checked for personal data, verified.
3. Stage the exports from that copy into ``exports.staging-<pid>/``; the version id comes from
   their data files (exports_set.py); the workbook and ``PUBLISHED.json`` carry it.
4. Stamp the version into the staged copy's ``meta.publish_info``; verify again.
5. Rename the staged exports to ``exports-<version>/`` (not yet visible at ``exports``).
6. Rename the staged copy over ``cxlink_bi.duckdb``.
7. Point ``exports`` at ``exports-<version>/`` (one rename), then remove older sets.

Killed before 6: the old copy and the old exports (plus leftovers the next run removes). Killed
between 6 and 7: the new copy beside the old exports, whose ``PUBLISHED.json`` names the old
version; the next run's cleanup finishes step 7. After 7: both new.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cxlink.publish import exports_set
from cxlink.publish.bi_copy import (
    PublishReport,
    install_bi_copy,
    stage_bi_copy,
    stamp_version,
)
from cxlink.publish.common import Source, remove_quietly
from cxlink.publish.copy_check import PublishError
from cxlink.publish.exports import FINANCE_TABLES, ExportOptions, ExportReport, stage_exports
from cxlink.publish.leftovers import (
    LOCK_NAME,
    clean_leftovers_locked,
    publish_lock,
    remove_legacy_copy,
)
from cxlink.publish.manifest import TableDocs
from cxlink.settings import DataLayout


@dataclass
class Release:
    copy: PublishReport
    exports: ExportReport
    leftovers: list[Path]  # what killed publishes had left, removed first

    @property
    def version(self) -> str:
        return self.exports.version


def publish(
    source: Source,
    layout: DataLayout,
    schemas: tuple[str, ...] = ("marts",),
    *,
    run_date: date | None = None,
    docs: Mapping[str, TableDocs] | None = None,
    only: Collection[str] | None = None,
    finance_tables: tuple[str, ...] = FINANCE_TABLES,
    options: ExportOptions | None = None,
) -> Release:
    """Publish ``source``'s ``schemas`` to ``layout.bi_copy_path`` and ``layout.exports_dir``
    (see the module docstring). Arguments as for ``publish_bi_copy``; the exports cover the
    first schema and are written as ``options`` say. On an error before step 6 nothing
    visible changes."""
    layout.data_dir.mkdir(parents=True, exist_ok=True)
    docs = docs or {}
    with publish_lock(layout.data_dir) as held:
        if not held:
            raise PublishError(
                f"another publish is running in {layout.data_dir} (it holds "
                f"{layout.data_dir / LOCK_NAME}); let it finish, then run again"
            )
        leftovers = clean_leftovers_locked(layout)
        target, link = layout.bi_copy_path, layout.exports_dir
        staged = stage_bi_copy(source, target, schemas, run_date=run_date, docs=docs, only=only)
        try:
            exports = stage_exports(
                staged.temp,
                link,
                schema=schemas[0],
                docs=docs,
                run_date=staged.report.run_date,
                finance_tables=finance_tables,
                options=options,
            )
            try:
                stamp_version(staged, exports.version)
                exports.folder = exports_set.commit(exports.folder, link, exports.version)
                copy = install_bi_copy(staged)
            except BaseException:
                if exports_set.current_version(link) != exports.version:
                    shutil.rmtree(exports.folder, ignore_errors=True)
                raise
        except BaseException:
            remove_quietly(*staged.leftovers)
            raise
        exports_set.switch(link, exports.version)
        exports.removed_versions = exports_set.remove_versions(link, {exports.version})
        exports_set.retire_legacy(link)
        leftovers += remove_legacy_copy(layout)
    return Release(copy, exports, leftovers)
