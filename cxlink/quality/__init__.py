"""Data-quality checks on the raw entities (great-expectations, pandas path)."""
