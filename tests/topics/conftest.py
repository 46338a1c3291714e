"""The topic tests' warehouses, built once per session (about 30 s each; designs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.topics.designs import design_a, design_b
from tests.topics.warehouse import Response, build_warehouse


@pytest.fixture(scope="session")
def blocks(tmp_path_factory) -> Path:
    customers, responses = design_a()
    return build_warehouse(tmp_path_factory.mktemp("topics_a"), customers, responses)


@pytest.fixture(scope="session")
def stream(tmp_path_factory) -> tuple[Path, list[Response]]:
    customers, responses = design_b()
    return build_warehouse(tmp_path_factory.mktemp("topics_b"), customers, responses), responses
