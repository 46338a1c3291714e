"""`make setup` refuses a Python other than 3.11 before it creates a venv with it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cxlink.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def fake_python(tmp_path: Path, version: str) -> Path:
    """A stand-in interpreter: reports ``version`` and fails the version check like it would."""
    path = tmp_path / "python-fake"
    major_minor = tuple(int(p) for p in version.split(".")[:2])
    status = 0 if major_minor == (3, 11) else 1
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "Python {version}"; exit 0; fi\n'
        f"exit {status}\n"
    )
    path.chmod(0o755)
    return path


def make_stamp(tmp_path: Path, python: str) -> subprocess.CompletedProcess:
    venv = tmp_path / "venv"
    return subprocess.run(
        ["make", "-s", "-C", str(PROJECT_ROOT), f"VENV={venv}", f"PYTHON={python}",
         f"{venv}/.cxlink-installed"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("version", ["3.12.1", "3.9.18"])
def test_the_wrong_python_stops_setup_with_the_fix(tmp_path, version):
    result = make_stamp(tmp_path, str(fake_python(tmp_path, version)))
    assert result.returncode != 0
    assert f"cxlink needs Python 3.11, but {tmp_path}/python-fake is Python {version}" in (
        result.stderr
    )
    assert "install python3.11 or set PYTHON=" in result.stderr
    assert not (tmp_path / "venv").exists()  # nothing was created with it


def test_a_missing_python_is_named(tmp_path):
    result = make_stamp(tmp_path, str(tmp_path / "no-python"))
    assert result.returncode != 0
    assert "is not found: install python3.11 or set PYTHON=" in result.stderr
