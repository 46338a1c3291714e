"""One tagger trained on the shipped labeled data, shared by the tagging tests."""

from __future__ import annotations

import pytest

from cxlink.tagging.artifact import load_inputs, train_and_write


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory):
    """(model, evaluation, artifact directory) of the default tagger, trained once."""
    inputs = load_inputs()
    model, evaluation, directory, _ = train_and_write(inputs, tmp_path_factory.mktemp("models"))
    return model, evaluation, directory
