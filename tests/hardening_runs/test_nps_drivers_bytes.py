"""marts.nps_drivers is byte-reproducible (issue 16, "Byte-reproducibility": it varied by
~1e-15 between runs). DuckDB hands the dbt Python model its input rows in no fixed order, and
the same rows in another order change the last bits of the linear algebra's sums;
``drivers_frame`` sorts its inputs first, so the same data give the same bytes whatever the
order, in this process and in another one ("two runs")."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pandas as pd

from cxlink.key_drivers import drivers_frame
from cxlink.settings import PROJECT_ROOT
from tests.hardening_runs.helpers import env

ALPHA, MIN_RESPONSES = 0.05, 30
# 600 responses over six months, eight level-1 topics and four level-2 ones, mentions that
# lean on the score: correlated predictors, so every period fits a model with weights
DATA = """
import numpy as np, pandas as pd

def inputs(seed=16):
    rng = np.random.default_rng(seed)
    n = 600
    points = rng.choice([-1, 0, 1], size=n, p=[0.3, 0.3, 0.4])
    responses = pd.DataFrame({
        "response_id": [f"R{i:04d}" for i in range(n)],
        "period_start": pd.to_datetime("2026-01-01") + pd.to_timedelta(
            30 * rng.integers(0, 6, size=n), unit="D"),
        "nps_points": points.astype("int32"),
    })
    topics = pd.DataFrame({
        "topic_id": [f"t{j}" for j in range(8)] + [f"t{j}.s" for j in range(4)],
        "topic_name": [f"topic {j}" for j in range(12)],
        "topic_level": [1] * 8 + [2] * 4,
    })
    rows = []
    for i in range(n):
        for j in range(8):
            if rng.random() < 0.15 + 0.1 * (points[i] == (-1 if j % 2 else 1)):
                rows.append((f"R{i:04d}", f"t{j}"))
                if j < 4 and rng.random() < 0.5:
                    rows.append((f"R{i:04d}", f"t{j}.s"))
    mentions = pd.DataFrame(rows, columns=["response_id", "topic_id"])
    return responses, mentions, topics

def shuffled(frame, seed):
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)
"""
namespace: dict = {}
exec(DATA, namespace)
inputs, shuffled = namespace["inputs"], namespace["shuffled"]

RUN = f"""
import hashlib, sys
from cxlink.key_drivers import drivers_frame
{DATA}
seed = int(sys.argv[1])
responses, mentions, topics = inputs()
frame = drivers_frame(shuffled(responses, seed), shuffled(mentions, seed), shuffled(topics, seed),
                      "month", {ALPHA}, {MIN_RESPONSES})
print(hashlib.sha256(frame.to_csv(index=False, float_format="%.17g").encode()).hexdigest())
"""


def digest(frame: pd.DataFrame) -> str:
    """Of the bytes: every float with 17 significant digits (each bit shows)."""
    return hashlib.sha256(frame.to_csv(index=False, float_format="%.17g").encode()).hexdigest()


def test_the_same_rows_in_any_order_give_the_same_bytes():
    responses, mentions, topics = inputs()
    reference = drivers_frame(responses, mentions, topics, "month", ALPHA, MIN_RESPONSES)
    assert (reference["driver_status"] == "significant").sum() >= 5  # a fitted table
    assert reference["r_squared"].notna().sum() > 100
    digests = {
        digest(
            drivers_frame(
                shuffled(responses, seed),
                shuffled(mentions, seed),
                shuffled(topics, seed),
                "month",
                ALPHA,
                MIN_RESPONSES,
            )
        )
        for seed in range(6)
    }
    assert digests == {digest(reference)}


def test_two_runs_in_two_processes_give_the_same_bytes():
    outputs = [
        subprocess.run(
            [sys.executable, "-c", RUN, str(seed)],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            env=env(),
            timeout=300,
            check=True,
        ).stdout.strip()
        for seed in (1, 2)
    ]
    responses, mentions, topics = inputs()
    expected = digest(drivers_frame(responses, mentions, topics, "month", ALPHA, MIN_RESPONSES))
    assert outputs == [expected, expected]


def test_the_unsorted_computation_does_vary(monkeypatch):
    """The defect the sort removes, shown on the same data: without it, orders differ."""
    import cxlink.key_drivers as key_drivers

    monkeypatch.setattr(key_drivers, "_sorted", lambda frame, keys: frame)
    responses, mentions, topics = inputs()
    frames = [
        key_drivers.drivers_frame(
            shuffled(responses, seed),
            shuffled(mentions, seed),
            shuffled(topics, seed),
            "month",
            ALPHA,
            MIN_RESPONSES,
        )
        for seed in range(6)
    ]
    keys = ["period_grain", "period_start", "outcome", "topic_level", "topic_id"]
    aligned = [f.sort_values(keys).reset_index(drop=True) for f in frames]
    numbers = aligned[0].select_dtypes("float").columns
    spread = max(
        np.nanmax(np.abs(f[numbers].to_numpy() - aligned[0][numbers].to_numpy())) for f in aligned
    )
    assert 0 < spread < 1e-12
