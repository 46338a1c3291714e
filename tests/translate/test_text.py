"""Normalization, cache keys and the rule-based sentence splitter."""

from __future__ import annotations

import pytest

from cxlink.sentences import split_sentences
from cxlink.translate.text import has_letters, normalize, split_paragraphs, text_hash


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("Hello world. How are you? Fine!", ["Hello world.", "How are you?", "Fine!"]),
        ("Das kostet z.B. 3.5 EUR pro Monat. Gut.", ["Das kostet z.B. 3.5 EUR pro Monat.", "Gut."]),
        (
            "Dr. Smith called. He left…  Then silence",
            ["Dr. Smith called.", "He left…", "Then silence"],
        ),
        ('He said "fine." Then he left.', ['He said "fine."', "Then he left."]),
        # "..." before a lower-case word does not end the sentence
        ("Wait... what? No!!", ["Wait... what?", "No!!"]),
        ("Sijoitus oli 3. paras. Hyvä niin.", ["Sijoitus oli 3. paras.", "Hyvä niin."]),
        # CJK full stops need no space after them
        ("你好。我很好\uff01谢谢", ["你好。", "我很好\uff01", "谢谢"]),
        ("no final stop", ["no final stop"]),
        ("   ", []),
        ("", []),
    ],
)
def test_sentences_are_split_in_order(paragraph: str, sentences: list[str]):
    assert split_sentences(paragraph) == sentences


def test_paragraphs_are_lines_and_empty_lines_are_kept():
    assert split_paragraphs("a\n\nb") == ["a", "", "b"]


def test_normalize_keeps_lines_and_drops_junk():
    assert normalize("  Hyvä\u00a0 tuote \r\n\r\n  Kiitos\x00!  \n\n") == "Hyvä tuote\n\nKiitos!"
    assert normalize(None) == ""
    # NFC: a decomposed ä equals the composed one, so both share a cache key
    assert text_hash(normalize("Hyva\u0308")) == text_hash(normalize("Hyvä"))
    # lone surrogates (broken UTF-16 input) do not raise
    assert normalize("ok \ud800 fine") == "ok ? fine"


@pytest.mark.parametrize(
    ("text", "expected"), [("😀👍", False), ("123 !!", False), ("ok", True), ("日本", True)]
)
def test_has_letters(text: str, expected: bool):
    assert has_letters(text) is expected
