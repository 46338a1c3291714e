"""What the landing sensor looks at (pure, no Dagster): the landing files a run would load,
and whether any of them is new or changed against the load manifest.

The files are those of the extract assets' folders: ``landing/<entity>/`` for an entity no
source feeds, and each file source's export folder, with the formats each reads (decided by
cxlink.extract.files.file_format, compressed ``.csv.gz`` included; hidden and
``*.tmp``/``*.part`` files skipped, as cxlink.extract.files.discover does). A file is new when
the manifest (``landing.load_manifest``) has no entry for its path, changed when its size or,
at the same size, its sha256 differs. Files listed as ignored by a run (other suffixes) never
count, so a README in a landing folder does not start runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cxlink.contract import ENTITY_ORDER
from cxlink.duckdb_sql import table_exists
from cxlink.extract.files import FORMATS, file_format, sha256_of, skipped_silently
from cxlink.extract.store import MANIFEST
from cxlink.sources.config import SourcesConfig
from cxlink.sources.model import FileKind


@dataclass(frozen=True)
class ListedFile:
    path: Path
    relative_path: str  # relative to the landing dir, as the manifest names it
    size_bytes: int
    mtime_ns: int


def watched_folders(sources: SourcesConfig | None = None) -> dict[str, dict[str, str]]:
    """Landing folder -> the formats (suffix -> format) the run reads there."""
    config = sources or SourcesConfig(path=None)
    folders = {name: FORMATS for name in ENTITY_ORDER if not config.feeding(name)}
    for source in config.sources:
        if isinstance(source.kind, FileKind):
            folders[source.landing_folder] = source.kind.formats
    return folders


def list_loadable(landing_dir: Path, folders: Mapping[str, dict[str, str]]) -> list[ListedFile]:
    """The files a run would read, sorted by path; stat only, no file is opened."""
    listed = []
    for folder, formats in sorted(folders.items()):
        root = landing_dir / folder
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if not path.is_file() or skipped_silently(path.relative_to(root)):
                continue
            if file_format(path.name, formats) is None:  # as the run decides: .csv.gz is read
                continue
            stat = path.stat()
            relative = path.relative_to(landing_dir).as_posix()
            listed.append(ListedFile(path, relative, stat.st_size, stat.st_mtime_ns))
    return sorted(listed, key=lambda f: f.relative_path)


def fingerprint(files: list[ListedFile]) -> str:
    """The sensor's cursor: changes when a file is added, removed, resized or touched."""
    listing = [(f.relative_path, f.size_bytes, f.mtime_ns) for f in files]
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()[:16]


def loaded_files(con) -> dict[str, tuple[int, str]]:
    """file path -> (size_bytes, sha256) of every file in the load manifest."""
    if not table_exists(con, "landing", "load_manifest"):
        return {}
    rows = con.execute(f"select file_path, size_bytes, sha256 from {MANIFEST}").fetchall()
    return {path: (size, sha) for path, size, sha in rows}


def first_change(files: list[ListedFile], loaded: Mapping[str, tuple[int, str]]) -> str | None:
    """The first file that is new or changed ("feedback/b.csv is new"), or None. A file is only
    hashed when its size matches its entry, and the search stops at the first change."""
    for file in files:
        entry = loaded.get(file.relative_path)
        if entry is None:
            return f"{file.relative_path} is new"
        if entry[0] != file.size_bytes or entry[1] != sha256_of(file.path):
            return f"{file.relative_path} changed"
    return None


def manifest_key(files: list[ListedFile], loaded: Mapping[str, tuple[int, str]]) -> str:
    """What the manifest says about these files: part of the run key, so that a file changed
    back to an earlier content (A, B, A) starts a run again."""
    entries = [(f.relative_path, loaded.get(f.relative_path)) for f in files]
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:8]
