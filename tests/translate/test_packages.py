"""Installing argos packages from local files, finding them, and `python -m cxlink.translate`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cxlink.translate.__main__ import main as translate_cli
from cxlink.translate.packages import (
    PackageError,
    install_package,
    installed_packages,
    packages_by_source,
    packages_dir,
)


def test_packages_dir_follows_argos_settings(tmp_path: Path):
    assert packages_dir({"ARGOS_PACKAGES_DIR": str(tmp_path / "p")}) == tmp_path / "p"
    assert packages_dir({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}) == (
        tmp_path / "data" / "argos-translate" / "packages"
    )
    # argos' settings.json counts when the environment says nothing
    config = tmp_path / "config" / "argos-translate"
    config.mkdir(parents=True)
    (config / "settings.json").write_text('{"ARGOS_PACKAGES_DIR": "%s"}' % (tmp_path / "j"))
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    assert packages_dir(env) == tmp_path / "j"


def test_install_from_path_unpacks_the_argos_layout(packages_dir: Path, argos_archives):
    pkg = install_package(argos_archives["fi"], packages_dir)
    assert (pkg.name, pkg.version, pkg.from_code, pkg.to_code) == (
        "translate-fi_en",
        "1.0",
        "fi",
        "en",
    )
    assert pkg.path == packages_dir / "translate-fi_en-1_0"
    assert (pkg.path / "model" / "model.bin").is_file() and pkg.sentencepiece_model.is_file()
    assert installed_packages(packages_dir) == [pkg]


def test_the_newest_version_of_a_language_wins(packages_dir: Path, argos_archives):
    for name in ("fi-1.1", "fi", "de"):
        install_package(argos_archives[name], packages_dir)
    best = packages_by_source(installed_packages(packages_dir))
    assert {lang: p.version for lang, p in best.items()} == {"fi": "1.1", "de": "1.0"}


def test_bad_archives_are_rejected_with_the_file_named(packages_dir: Path, tmp_path: Path):
    not_zip = tmp_path / "junk.argosmodel"
    not_zip.write_bytes(b"\x00\x01 not a zip")
    with pytest.raises(PackageError, match=r"junk\.argosmodel: not an argos package"):
        install_package(not_zip, packages_dir)
    no_model = tmp_path / "empty.argosmodel"
    with zipfile.ZipFile(no_model, "w") as zf:
        zf.writestr("translate-xx_en-1_0/metadata.json", '{"from_code": "xx", "to_code": "en"}')
    with pytest.raises(PackageError, match=r"empty.argosmodel: .*no CTranslate2 model"):
        install_package(no_model, packages_dir)
    # nothing half-installed is left behind
    assert list(packages_dir.iterdir()) == []


def test_cli_installs_a_folder_and_models_names_missing_files(
    packages_dir: Path, argos_archives, tmp_path: Path, monkeypatch, capsys
):
    source = tmp_path / "models"
    source.mkdir()
    (source / "translate-fi_en-1_0.argosmodel").write_bytes(argos_archives["fi"].read_bytes())
    monkeypatch.setenv("CXLINK_ARGOS_MODELS", str(source))
    assert translate_cli(["install"]) == 0
    assert "installed translate-fi_en 1.0" in capsys.readouterr().out
    # offline: fi is there, the other demo languages are named with the files to supply
    assert translate_cli(["models", "--offline"]) == 1
    err = capsys.readouterr().err
    assert "no translation model installed for: de, es, fr, pt, sv" in err
    assert (
        "translate-de_en-1_0.argosmodel" in err and str(source) in err and str(packages_dir) in err
    )
