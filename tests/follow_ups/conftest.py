"""The follow-up warehouse (design.py), built once per session: landing files -> raw -> the text
tables -> `dbt build` of the follow-up marts and everything upstream of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.follow_ups.design import AS_OF, write_warehouse
from tests.shared_builds import record_build
from tests.warehouse import dbt_build

FOLLOW_UP_MARTS = "+path:models/marts/follow_ups"


@pytest.fixture(scope="session")
def follow_ups_warehouse(request: pytest.FixtureRequest, tmp_path_factory, dbt_manifest) -> Path:
    data_dir = tmp_path_factory.mktemp("follow_ups")
    with record_build(request.config, "follow-up warehouse"):
        warehouse = write_warehouse(data_dir)
        dbt_build(data_dir, FOLLOW_UP_MARTS, {"as_of_date": AS_OF})
    return warehouse
