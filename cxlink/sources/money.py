"""Billing APIs give amounts as integers in the currency's minor unit; the contract wants major
units as plain decimal text (``1999`` USD -> ``"19.99"``, ``1200`` JPY -> ``"1200"``)."""

from __future__ import annotations

from decimal import Decimal

# Stripe's zero-decimal currencies: an amount is already in major units (1200 JPY is 1200 yen).
# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()
)


def minor_to_major(amount: int, currency: str) -> str:
    """An integer minor-unit amount as major-unit text: no exponent, no trailing zeros."""
    value = Decimal(int(amount))
    if currency.upper() not in ZERO_DECIMAL_CURRENCIES:
        value = value.scaleb(-2)
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text
