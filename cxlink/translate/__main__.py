"""`python -m cxlink.translate`: install argos packages offline, list them, or fetch them.

install [PATH ...]   install .argosmodel files (files or folders; default: $CXLINK_ARGOS_MODELS)
list                 the installed translation packages
models               what `make models` runs: install the files in $CXLINK_ARGOS_MODELS, then
                     fetch the demo languages still missing from the argos index when the
                     machine has internet; otherwise say which files to put where
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

from cxlink.settings import Settings
from cxlink.translate.packages import (
    DEMO_PACKAGE_FILES,
    PackageError,
    install_package,
    installed_packages,
    missing_models_help,
    packages_by_source,
    packages_dir,
)

FETCH_TIMEOUT_S = 10


def _archives(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.argosmodel")))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return found


def install(paths: list[Path], target: Path) -> int:
    archives = _archives(paths)
    if not archives:
        print(f"no .argosmodel files in {', '.join(map(str, paths))}", file=sys.stderr)
        return 1
    failed = 0
    for archive in archives:
        try:
            pkg = install_package(archive, target)
            print(f"installed {pkg.name} {pkg.version} from {archive} into {pkg.path}")
        except PackageError as err:
            failed += 1
            print(f"not installed: {err}", file=sys.stderr)
    return 1 if failed else 0


def list_installed(target: Path) -> int:
    errors: list[str] = []
    packages = installed_packages(target, errors)
    print(f"packages directory: {target}")
    for pkg in packages:
        print(f"  {pkg.from_code} -> {pkg.to_code}: {pkg.name} {pkg.version} ({pkg.path})")
    if not packages:
        print("  (no translation package installed)")
    for problem in errors:
        print(f"  unusable: {problem}", file=sys.stderr)
    return 0


def fetch(languages: list[str], source: Path, target: Path) -> list[str]:
    """Download the argos index's X->en packages for `languages` into `source` and install them.
    Returns the languages still missing. Raises OSError when the index cannot be reached."""
    from argostranslate import settings as argos_settings  # the index address argos itself uses

    with urllib.request.urlopen(argos_settings.remote_package_index, timeout=FETCH_TIMEOUT_S) as r:
        index = json.load(r)
    missing = []
    source.mkdir(parents=True, exist_ok=True)
    for lang in languages:
        entries = [
            e
            for e in index
            if e.get("type", "translate") == "translate"
            and e.get("from_code") == lang
            and e.get("to_code") == "en"
            and e.get("links")
        ]
        if not entries:
            missing.append(lang)
            continue
        entry = entries[-1]
        name = f"translate-{lang}_en-{str(entry.get('package_version', '0')).replace('.', '_')}"
        destination = source / f"{name}.argosmodel"
        if not destination.exists():
            print(f"downloading {name} ...")
            partial = destination.with_suffix(".part")
            with urllib.request.urlopen(entry["links"][0], timeout=60) as r:
                partial.write_bytes(r.read())
            partial.replace(destination)
        pkg = install_package(destination, target)
        print(f"installed {pkg.name} {pkg.version} into {pkg.path}")
    return missing


def models(source: Path, target: Path, online: bool) -> int:
    if source.is_dir() and any(source.glob("*.argosmodel")):
        install([source], target)
    have = packages_by_source(installed_packages(target))
    missing = sorted(lang for lang in DEMO_PACKAGE_FILES if lang not in have)
    if missing and online:
        try:
            missing = fetch(missing, source, target)
        except OSError as err:
            print(
                f"the argos package index cannot be reached ({err}): no download", file=sys.stderr
            )
    if missing:
        print(missing_models_help(missing, source, target), file=sys.stderr)
        return 1
    print(
        f"translation packages for {', '.join(sorted(DEMO_PACKAGE_FILES))} are installed in {target}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cxlink.translate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--packages-dir", type=Path, default=None, help="default: argos' (ARGOS_PACKAGES_DIR)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    inst = sub.add_parser("install", help="install .argosmodel files or folders of them")
    inst.add_argument("paths", nargs="*", type=Path)
    sub.add_parser("list", help="list installed translation packages")
    mod = sub.add_parser(
        "models", help="install from $CXLINK_ARGOS_MODELS, then fetch what is missing"
    )
    mod.add_argument("--offline", action="store_true", help="never try the argos index")
    args = parser.parse_args(argv)
    target = args.packages_dir or packages_dir()
    source = Settings.from_env().argos_models_dir
    if args.command == "install":
        return install(args.paths or [source], target)
    if args.command == "list":
        return list_installed(target)
    return models(source, target, online=not args.offline)


if __name__ == "__main__":
    sys.exit(main())
