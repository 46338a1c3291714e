"""Argos Translate packages on disk: where they live, which are installed, installing them.

A package is a `.argosmodel` zip of one folder holding `metadata.json`, `model/` (a CTranslate2
model) and `sentencepiece.model`. Installing unzips it into the packages directory, exactly as
`argostranslate.package.install_from_path` does, so argos itself and this pipeline see the same
packages. Nothing here touches the network.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

TARGET_LANGUAGE = "en"

# The demo's languages and the argos index package each needs (name-version as argospm spells
# the file); `make models` names these when it cannot download them.
DEMO_PACKAGE_FILES: dict[str, str] = {
    "de": "translate-de_en-1_0.argosmodel",
    "es": "translate-es_en-1_0.argosmodel",
    "fi": "translate-fi_en-1_5.argosmodel",
    "fr": "translate-fr_en-1_9.argosmodel",
    "pt": "translate-pt_en-1_0.argosmodel",
    "sv": "translate-sv_en-1_5.argosmodel",
}


class PackageError(ValueError):
    """A file that is not a usable argos translation package (the message names the file)."""


def _argos_setting(key: str, env: Mapping[str, str]) -> str | None:
    # argostranslate.settings.get_setting: the environment first, then settings.json.
    if env.get(key):
        return env[key]
    home = Path(env.get("HOME") or Path.home())
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "argos-translate"
    try:
        value = json.loads((config / "settings.json").read_text()).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value else None


def packages_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where argostranslate 1.11 installs and looks for packages.

    `ARGOS_PACKAGES_DIR` (environment or argos' settings.json), else
    `$XDG_DATA_HOME/argos-translate/packages` (default `~/.local/share/argos-translate/packages`).
    """
    env = os.environ if env is None else env
    configured = _argos_setting("ARGOS_PACKAGES_DIR", env)
    if configured:
        return Path(configured).expanduser().resolve()
    home = Path(env.get("HOME") or Path.home())
    data = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    return (data / "argos-translate" / "packages").resolve()


@dataclass(frozen=True)
class InstalledPackage:
    path: Path
    from_code: str
    to_code: str
    version: str
    target_prefix: str = ""

    @property
    def name(self) -> str:
        # argospm's package name (argostranslate.package.argospm_package_name).
        return f"translate-{self.from_code}_{self.to_code}"

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece_model(self) -> Path:
        return self.path / "sentencepiece.model"


def _version_key(version: str) -> tuple:
    parts = []
    for piece in version.replace("_", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)


def read_package(folder: Path) -> InstalledPackage:
    """An installed package folder, checked for the files this pipeline needs."""
    meta_path = folder / "metadata.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PackageError(f"{meta_path}: unreadable package metadata ({err})") from err
    if meta.get("type", "translate") != "translate":
        raise PackageError(f"{folder}: package type {meta.get('type')!r}, not a translation")
    for key in ("from_code", "to_code"):
        if not meta.get(key):
            raise PackageError(f"{meta_path}: `{key}` is missing")
    if not (folder / "model" / "model.bin").is_file():
        raise PackageError(f"{folder}: no CTranslate2 model (model/model.bin)")
    if not (folder / "sentencepiece.model").is_file():
        # BPE packages (old argos format) exist but are not supported by the batched engine.
        raise PackageError(f"{folder}: no sentencepiece.model (BPE packages are not supported)")
    return InstalledPackage(
        path=folder,
        from_code=str(meta["from_code"]).lower(),
        to_code=str(meta["to_code"]).lower(),
        version=str(meta.get("package_version") or "0"),
        target_prefix=str(meta.get("target_prefix") or ""),
    )


def installed_packages(
    directory: Path | None = None, errors: list[str] | None = None
) -> list[InstalledPackage]:
    """Every usable translation package under `directory`; unusable folders go to `errors`."""
    directory = packages_dir() if directory is None else directory
    found: list[InstalledPackage] = []
    if not directory.is_dir():
        return found
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        try:
            found.append(read_package(folder))
        except PackageError as err:
            if errors is not None:
                errors.append(str(err))
    return found


def packages_by_source(
    packages: Iterable[InstalledPackage], to_code: str = TARGET_LANGUAGE
) -> dict[str, InstalledPackage]:
    """source language -> the newest installed package translating it into `to_code`."""
    best: dict[str, InstalledPackage] = {}
    for pkg in packages:
        if pkg.to_code != to_code:
            continue
        current = best.get(pkg.from_code)
        if current is None or _version_key(pkg.version) > _version_key(current.version):
            best[pkg.from_code] = pkg
    return best


def install_package(archive: Path, directory: Path | None = None) -> InstalledPackage:
    """Install one `.argosmodel` file (unzip into the packages directory) and return it.

    The archive is checked first (a zip with one top folder holding metadata.json, model/ and
    sentencepiece.model) and unpacked beside the target, so a bad file never leaves half a
    package; an installed package of the same folder name is replaced.
    """
    directory = packages_dir() if directory is None else directory
    archive = Path(archive)
    if not zipfile.is_zipfile(archive):
        raise PackageError(f"{archive}: not an argos package (not a zip archive)")
    with zipfile.ZipFile(archive) as zf:
        names = [n for n in zf.namelist() if n.strip("/")]
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) != 1 or any(".." in Path(n).parts or n.startswith("/") for n in names):
            raise PackageError(
                f"{archive}: expected one top-level package folder, got {sorted(tops)[:5]}"
            )
        top = tops.pop()
        directory.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".install-", dir=directory))
        try:
            zf.extractall(staging)
            read_package(staging / top)
            target = directory / top
            if target.exists():
                shutil.rmtree(target)
            (staging / top).rename(target)
        except PackageError as err:
            raise PackageError(f"{archive}: {err}") from err
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return read_package(target)


def missing_models_help(languages: Iterable[str], source: Path, target: Path) -> str:
    """What to supply, and where, for languages without an installed package."""
    wanted = sorted(set(languages))
    files = [
        DEMO_PACKAGE_FILES.get(lang, f"translate-{lang}_en-<version>.argosmodel") for lang in wanted
    ]
    return (
        f"no translation model installed for: {', '.join(wanted)}. Put "
        f"{', '.join(files)} (argos index packages) into {source} (or set CXLINK_ARGOS_MODELS) "
        f"and run `make models`; they are installed into {target} (ARGOS_PACKAGES_DIR)."
    )
