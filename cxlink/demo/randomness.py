"""Seeded random streams.

Each chunk of customers draws from its own generator seeded by (seed, stream, chunk index), so
a chunk's rows do not depend on any other chunk: the output is reproducible at any scale and
memory stays bounded by the chunk size.
"""

from __future__ import annotations

import numpy as np

CUSTOMERS_STREAM = 0
COSTS_STREAM = 1
FX_STREAM = 2
# Streams added later draw on their own, so the files of the earlier streams stay unchanged.
TICKETS_STREAM = 3
USAGE_STREAM = 4


def stream(seed: int, kind: int, index: int = 0) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(kind, index)))


def choice(rng: np.random.Generator, probs_by_row: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One categorical draw per element, from the probability row ``probs_by_row[rows[i]]``."""
    cumulative = np.cumsum(np.asarray(probs_by_row, dtype=float), axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(rows))
    picked = (u[:, None] >= cumulative[rows]).sum(axis=1)
    return np.minimum(picked, cumulative.shape[1] - 1)
