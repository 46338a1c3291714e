"""Which expensive shared fixtures were built in this session, how often, where and how long.

The suite's costly fixtures (the 5,000-customer demo run, the known-answer pipelines, the hand-made
topic warehouses, the trained tagger) are meant to be built once per session even with
`pytest -n 2 --dist loadgroup`. Each one wraps its build in `record_build`; the xdist workers send
their records to the controller, which prints one line per fixture at the end (the hooks are in
tests/conftest.py):

    shared fixtures built: demo_run 1x (gw0 131.2 s), tagger 1x (gw1 9.8 s), ...

A fixture built more than once is a scheduling regression (see tests/test_suite_scheduling.py).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

BUILDS = pytest.StashKey[list[dict]]()


@contextmanager
def record_build(config: pytest.Config, fixture: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    config.stash.setdefault(BUILDS, []).append(
        {
            "fixture": fixture,
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
            "seconds": round(time.perf_counter() - started, 1),
        }
    )


def send_to_controller(config: pytest.Config) -> None:
    """On an xdist worker, at the end of its session: the records go back with the worker's
    output (`config.workeroutput`)."""
    if hasattr(config, "workeroutput"):
        config.workeroutput["shared_builds"] = config.stash.get(BUILDS, [])


def receive_from_worker(node) -> None:
    """On the controller, when a worker finishes (xdist's `pytest_testnodedown`)."""
    node.config.stash.setdefault(BUILDS, []).extend(
        getattr(node, "workeroutput", {}).get("shared_builds", [])
    )


def summary_line(records: list[dict]) -> str:
    by_fixture: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_fixture[record["fixture"]].append(record)
    parts = [
        f"{name} {len(builds)}x ("
        + ", ".join(f"{b['worker']} {b['seconds']:.1f} s" for b in builds)
        + ")"
        for name, builds in sorted(by_fixture.items())
    ]
    return "shared fixtures built: " + ", ".join(parts)


def report(terminalreporter, config: pytest.Config) -> None:
    records = config.stash.get(BUILDS, [])
    if records and not hasattr(config, "workerinput"):
        terminalreporter.write_line(summary_line(records))
