"""The tagging tests' tagger: the session's one trained tagger (tests/conftest.py `tagger`)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def trained(tagger):
    """(model, evaluation, artifact directory) of the default tagger, trained once per session."""
    return tagger.model, tagger.evaluation, tagger.directory
