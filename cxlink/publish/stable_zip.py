"""Save an openpyxl workbook byte-for-byte reproducibly: the same cells give the same file.

openpyxl stamps the zip entries with the wall clock and ``docProps/core.xml`` with the save
time; here both are the run date, so two publishes of one version write identical workbooks
(their sha256 in ``PUBLISHED.json`` then matches too).
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter


class _StableZip(zipfile.ZipFile):
    def __init__(self, path: Path, stamp: datetime) -> None:
        super().__init__(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._stamp = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl streams sheets through a temporary file (or a BytesIO): copy it in, stamped
        if hasattr(filename, "getvalue"):
            self.writestr(arcname, filename.getvalue())
            return
        with open(filename, "rb") as src, self.open(self._info(arcname), "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def save_workbook(wb: Workbook, path: Path, stamp: datetime) -> None:
    """``wb.save(path)`` with every timestamp set to ``stamp``."""
    wb.properties.created = stamp
    wb.properties.modified = stamp
    archive = _StableZip(path, stamp)
    try:
        ExcelWriter(wb, archive).save()  # closes the archive
    except BaseException:
        archive.close()
        raise
