"""Statement splitting: sentences, contrast and "and" clauses, lists, bad input."""

from __future__ import annotations

import pytest

from cxlink.tagging.statements import MAX_STATEMENT_CHARS, split_statements


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The UI is great, but the app crashes a lot.",
            ["The UI is great", "The app crashes a lot."],
        ),
        ("Great product, but terrible support!", ["Great product", "Terrible support!"]),
        # a contrast inside one opinion stays whole
        ("Pricey but worth it.", ["Pricey but worth it."]),
        (
            "I love the dashboards and I hate the invoices",
            ["I love the dashboards", "I hate the invoices"],
        ),
        (
            "The price is fair and the support team is quick. Thanks!",
            ["The price is fair", "The support team is quick.", "Thanks!"],
        ),
        # lists and shared subjects are one statement
        ("Fast, reliable and cheap.", ["Fast, reliable and cheap."]),
        (
            "Support answered within an hour and solved the issue.",
            ["Support answered within an hour and solved the issue."],
        ),
        (
            "We compared the pricing and the features of three tools.",
            ["We compared the pricing and the features of three tools."],
        ),
        # bullet lists, one item per statement
        (
            "Pros:\n- fast\n- the reports are great\n* billing is confusing",
            ["Pros", "Fast", "The reports are great", "Billing is confusing"],
        ),
        # abbreviations, decimals and versions do not end a sentence
        (
            "Version 2.3 is better, e.g. the export. It costs 3.5 EUR per seat.",
            ["Version 2.3 is better, e.g. the export.", "It costs 3.5 EUR per seat."],
        ),
        (
            "It\u2019s not slow at all; the search is weak.",
            ["It's not slow at all", "The search is weak."],
        ),
    ],
)
def test_split(text: str, expected: list[str]):
    assert split_statements(text) == expected


@pytest.mark.parametrize("text", [None, "", "   \n\t ", "👍👍🔥", "!!! ... ???", "\u200b\ufeff"])
def test_nothing_to_tag(text):
    assert split_statements(text) == []


def test_huge_text_is_cut_at_word_boundaries():
    sentence = "the export keeps failing " * 2000  # 50,000 characters without punctuation
    statements = split_statements(sentence + ". Otherwise fine.")
    assert all(len(s) <= MAX_STATEMENT_CHARS for s in statements)
    assert statements[-1] == "Otherwise fine."
    rejoined = " ".join(statements[:-1]).lower().rstrip(".")
    assert rejoined.split() == sentence.split()
    unbroken = split_statements("x" * 1500)
    assert [len(s) for s in unbroken] == [600, 600, 300]


def test_order_and_indexes_are_stable():
    text = "One thing is good. Another thing is bad, but the third is fine."
    assert split_statements(text) == split_statements(text)
    assert split_statements(text)[0] == "One thing is good."
