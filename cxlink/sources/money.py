"""Billing APIs give amounts as integers in the currency's minor unit; the contract wants major
units as plain decimal text (``1999`` USD -> ``"19.99"``, ``1200`` JPY -> ``"1200"``,
``5120`` KWD -> ``"5.12"``). One table of ISO 4217 exponents for every billing kind."""

from __future__ import annotations

from decimal import Decimal

# Stripe's zero-decimal currencies: an amount is already in major units (1200 JPY is 1200 yen).
# https://docs.stripe.com/currencies#zero-decimal (Chargebee uses the same minor units.)
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()
)
# ISO 4217 three-decimal currencies: the minor unit is a thousandth (5.124 KWD is 5124 fils).
# https://docs.stripe.com/currencies#three-decimal
THREE_DECIMAL_CURRENCIES = frozenset("BHD JOD KWD OMR TND".split())


def exponent(currency: str) -> int:
    """Digits after the decimal point of the currency's minor unit (ISO 4217)."""
    code = currency.upper()
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    return 3 if code in THREE_DECIMAL_CURRENCIES else 2


def minor_to_major(amount: int, currency: str) -> str:
    """An integer minor-unit amount as major-unit text: no exponent, no trailing zeros."""
    return decimal_text(Decimal(int(amount)).scaleb(-exponent(currency)))


def decimal_text(value: Decimal, places: int = 4) -> str:
    """A decimal as contract text: at most ``places`` decimals, no exponent, no trailing zeros."""
    value = (
        value.quantize(Decimal(1).scaleb(-places)) if value.as_tuple().exponent < -places else value
    )
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text
