"""The BI clients docs/bi-tools.md names open the published `cxlink_bi.duckdb` as it says: each in a
fresh virtual environment of its own (a BI tool's environment, not cxlink's), against the copy
the demo run published. The SQLAlchemy example is taken from the docs page itself, so the page
cannot drift from what works."""

from __future__ import annotations

import re
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BI_TOOLS_DOC = ROOT / "docs" / "bi-tools.md"
SQLALCHEMY_CLIENT = ("duckdb==2.0.0", "duckdb-engine==0.17.0", "sqlalchemy>=2.0,<2.1")
DUCKDB_1X_CLIENT = ("duckdb==1.4.5",)


def _client(directory: Path, requirements: tuple[str, ...]) -> Path:
    """A virtual environment with ``requirements`` from the package index; its python."""
    if not (directory / "bin" / "python").exists():
        venv.create(directory, with_pip=True)
    python = directory / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return python


def _docs_example() -> str:
    text = BI_TOOLS_DOC.read_text()
    section = text.split("## Python: SQLAlchemy", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


@pytest.fixture(scope="module")
def marts(demo_run) -> Path:
    data_dir, _, _ = demo_run
    return data_dir / "cxlink_bi.duckdb"


def _run(python: Path, script: str, *args: str) -> str:
    done = subprocess.run(
        [python, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_docs_sqlalchemy_example_runs(tmp_path_factory, marts: Path):
    python = _client(tmp_path_factory.mktemp("bi-sqlalchemy"), SQLALCHEMY_CLIENT)
    out = _run(python, _docs_example(), str(marts))
    assert re.search(r"^\d+ tables; nps_monthly_overall: response_month, ", out, re.MULTILINE)
    assert re.search(r"^published \d{8}-[0-9a-f]{8}: NPS [+-]\d+\.\d \(", out, re.MULTILINE), out

    # what the page says fails with this client, fails (so the page is told when it starts working)
    probe = (
        "import sys, sqlalchemy as sa\n"
        "engine = sa.create_engine(f'duckdb:///{sys.argv[1]}?access_mode=read_only')\n"
        "with engine.connect() as c:\n"
        "    print(c.execute(sa.text('select count(*) from marts.nps_overall')).scalar())\n"
        "try:\n"
        "    sa.inspect(engine).get_pk_constraint('nps_overall')\n"
        "    print('pk reflection works')\n"
        "except sa.exc.ProgrammingError as error:\n"
        "    print('pk reflection fails:', 'REGCLASS' in str(error))\n"
    )
    assert _run(python, probe, str(marts)).splitlines() == ["3", "pk reflection fails: True"]


def test_a_duckdb_1x_engine_opens_the_copy(tmp_path_factory, marts: Path):
    python = _client(tmp_path_factory.mktemp("bi-duckdb1x"), DUCKDB_1X_CLIENT)
    script = (
        "import sys, duckdb\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(duckdb.__version__)\n"
        "print(con.execute('select count(*) from meta.publish_info').fetchone()[0])\n"
        "print(con.execute(\"select comment from duckdb_tables() where table_name = 'nps_overall'\")"
        ".fetchone()[0] is not None)\n"
    )
    assert _run(python, script, str(marts)).splitlines() == ["1.4.5", "1", "True"]


def test_the_page_names_the_pinned_duckdb():
    import duckdb

    assert f"DuckDB {duckdb.__version__}" in BI_TOOLS_DOC.read_text(), (
        "docs/bi-tools.md names the DuckDB version that writes cxlink_bi.duckdb"
    )
