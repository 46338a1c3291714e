"""Seeded demo data generator: a realistic landing zone with planted, recoverable effects.

``generate(landing_dir, customers=5000, seed=42)`` writes every landing entity (CSV, Parquet and
JSON Lines files, plus a few deliberately broken rows) and ``ground_truth.json`` with the
planted parameters the marts should recover. ``python -m cxlink.demo --help`` for the CLI.
"""

from cxlink.demo.generator import generate

__all__ = ["generate"]
