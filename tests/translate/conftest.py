"""Tiny real argos packages, built once per test session (random weights, ~1 s each).

fi->en 1.0, de->en 1.0 and fi->en 1.1 (a newer version of the same language). Each test that
needs installed packages gets its own packages directory through ARGOS_PACKAGES_DIR.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlink.translate.packages import install_package
from tests.translate.synthetic_package import build_package


@pytest.fixture(scope="session")
def argos_archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("argos-archives")
    return {
        "fi": build_package(root / "translate-fi_en-1_0.argosmodel", from_code="fi", seed=1),
        "de": build_package(root / "translate-de_en-1_0.argosmodel", from_code="de", seed=2),
        "fi-1.1": build_package(
            root / "translate-fi_en-1_1.argosmodel", from_code="fi", version="1.1", seed=3
        ),
    }


@pytest.fixture
def packages_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty argos packages directory, the one argos and the pipeline use in this test."""
    directory = tmp_path / "argos-packages"
    directory.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    return directory


@pytest.fixture
def fi_de_installed(packages_dir: Path, argos_archives: dict[str, Path]) -> Path:
    install_package(argos_archives["fi"], packages_dir)
    install_package(argos_archives["de"], packages_dir)
    return packages_dir
