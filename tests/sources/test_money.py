"""Minor units -> contract decimal text, by ISO 4217 exponent (cxlink/sources/money.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cxlink.sources.money import decimal_text, exponent, minor_to_major


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (1999, "USD", "19.99"),
        (10000, "eur", "100"),
        (-5000, "USD", "-50"),
        (0, "EUR", "0"),
        (1200, "JPY", "1200"),
        (120000, "KRW", "120000"),
        (5124, "KWD", "5.124"),
        (-10, "BHD", "-0.01"),
    ],
)
def test_minor_to_major(amount, currency, text):
    assert minor_to_major(amount, currency) == text


def test_exponents_and_rounding():
    assert [exponent(c) for c in ("USD", "VND", "XOF", "TND", "OMR")] == [2, 0, 0, 3, 3]
    assert decimal_text(Decimal(100) / 3) == "33.3333"
    assert decimal_text(Decimal("1E+3")) == "1000"
