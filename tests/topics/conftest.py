"""The topic tests' warehouses, built once per session (about 30 s each; designs.py).

Every test using them is in the xdist group "topic_warehouses" (tests/conftest.py), so one worker
builds both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_builds import record_build
from tests.topics.designs import design_a, design_b
from tests.warehouse import Response, build_topic_warehouse


@pytest.fixture(scope="session")
def blocks(request: pytest.FixtureRequest, tmp_path_factory) -> Path:
    customers, responses = design_a()
    with record_build(request.config, "topic warehouse A (blocks)"):
        warehouse = build_topic_warehouse(tmp_path_factory.mktemp("topics_a"), customers, responses)
    return warehouse


@pytest.fixture(scope="session")
def stream(request: pytest.FixtureRequest, tmp_path_factory) -> tuple[Path, list[Response]]:
    customers, responses = design_b()
    with record_build(request.config, "topic warehouse B (stream)"):
        warehouse = build_topic_warehouse(tmp_path_factory.mktemp("topics_b"), customers, responses)
    return warehouse, responses
