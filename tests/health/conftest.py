"""The health score's hand-made warehouse (tests/health/accounts.py), built once per session by
the code that ships: landing files -> extractor -> raw, the text tables the tagging asset would
write, then `dbt build` of the health marts and everything upstream of them. Every test using it
is in the xdist group "health_known_answers" (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.health.accounts import AS_OF, RESPONSES, TEST_CONFIG, landing_rows, signal_rows
from tests.shared_builds import record_build
from tests.warehouse import dbt_build, extract_landing, write_landing, write_text_tables

HEALTH_MARTS = "+path:models/marts/health"


def build_health_warehouse(
    data_dir: Path,
    config_text: str = TEST_CONFIG,
    dbt_vars: dict | None = None,
    signals: bool = False,
    **build,
):
    """The known accounts (with tickets and usage when ``signals``) into ``data_dir`` and a dbt
    build of the health marts with the configuration ``config_text`` (written to
    data_dir/health_score.yml)."""
    rows = {**landing_rows(), **(signal_rows() if signals else {})}
    write_landing(data_dir / "landing", rows)
    warehouse = extract_landing(data_dir)
    con = duckdb.connect(str(warehouse))
    try:
        write_text_tables(con, RESPONSES)
    finally:
        con.close()
    config = data_dir / "health_score.yml"
    config.write_text(config_text, encoding="utf-8")
    variables = {"as_of_date": AS_OF.isoformat(), "health_score_config": str(config)}
    return dbt_build(data_dir, HEALTH_MARTS, {**variables, **(dbt_vars or {})}, **build)


@pytest.fixture(scope="session")
def health_warehouse(request: pytest.FixtureRequest, tmp_path_factory, dbt_manifest) -> Path:
    data_dir = tmp_path_factory.mktemp("health_known")
    with record_build(request.config, "health known-answer warehouse"):
        build_health_warehouse(data_dir)
    return data_dir / "warehouse.duckdb"


@pytest.fixture(scope="session")
def health_signals_warehouse(request: pytest.FixtureRequest, tmp_path_factory, dbt_manifest):
    data_dir = tmp_path_factory.mktemp("health_signals")
    with record_build(request.config, "health known-answer warehouse with tickets and usage"):
        build_health_warehouse(data_dir, signals=True)
    return data_dir / "warehouse.duckdb"


@pytest.fixture
def health_con(health_warehouse: Path):
    connection = duckdb.connect(str(health_warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture
def signals_con(health_signals_warehouse: Path):
    connection = duckdb.connect(str(health_signals_warehouse), read_only=True)
    yield connection
    connection.close()
