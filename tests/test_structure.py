"""Size limits that keep modules readable: a Python module does one thing, a SQL model one step."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_PYTHON_LINES = 300
MAX_SQL_MODEL_LINES = 200
PYTHON_FOLDERS = ("cxlink", "orchestration", "benchmarks")


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_python_module_over_the_limit():
    too_long = {
        _relative(path): _lines(path)
        for folder in PYTHON_FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if _lines(path) > MAX_PYTHON_LINES
    }
    assert not too_long, f"Python modules over {MAX_PYTHON_LINES} lines (split them): {too_long}"


def test_no_sql_model_over_the_limit():
    too_long = {
        _relative(path): _lines(path)
        for path in sorted((ROOT / "dbt_project" / "models").rglob("*.sql"))
        if _lines(path) > MAX_SQL_MODEL_LINES
    }
    assert not too_long, f"SQL models over {MAX_SQL_MODEL_LINES} lines (split them): {too_long}"
