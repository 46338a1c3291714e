"""Money is kept as integer cents while generating, so sums are exact; text only when written."""

from __future__ import annotations

import numpy as np


def format_cents(cents: np.ndarray) -> list[str]:
    """``12345`` -> ``"123.45"``, ``-50`` -> ``"-0.50"``."""
    out = []
    for c in np.asarray(cents, dtype=np.int64).tolist():
        sign = "-" if c < 0 else ""
        whole, part = divmod(abs(c), 100)
        out.append(f"{sign}{whole}.{part:02d}")
    return out


def to_cents(amount: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(amount, dtype=float) * 100).astype(np.int64)
