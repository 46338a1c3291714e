"""The ISO currency, country and language codes the landing contract accepts."""

from __future__ import annotations

import pycountry

# Codes are checked against the ISO lists pycountry ships (its own copy, nothing downloaded): the
# current ISO 4217 currencies and the ISO 3166-1 countries. A code outside them is quarantined as
# unknown_currency / unknown_country.
# pycountry lists only current currencies, but billing history is older than the list: invoices
# from 2025 in Bulgarian lev are real money, so recently withdrawn codes stay accepted.
WITHDRAWN_CURRENCIES = frozenset(
    {
        "ANG",  # Netherlands Antillean guilder, replaced by XCG in 2025
        "BGN",  # Bulgarian lev, replaced by EUR on 2026-01-01
        "SLL",  # Sierra Leonean leone, redenominated to SLE in 2022
        "ZWL",  # Zimbabwean dollar, replaced by ZWG in 2024
    }
)
# Not money: XTS is reserved for testing, XXX means "no currency". An invoice in either is a
# data error, not an amount to convert.
NOT_MONEY_CURRENCIES = frozenset({"XTS", "XXX"})
ISO_4217 = (
    frozenset(currency.alpha_3 for currency in pycountry.currencies) | WITHDRAWN_CURRENCIES
) - NOT_MONEY_CURRENCIES
ISO_3166_ALPHA2 = frozenset(country.alpha_2 for country in pycountry.countries)
# ISO 639-1 (two-letter) language codes. A feedback `language` outside them is published as null
# and recorded as unknown_language (quarantine.cleared_values): the comment is kept and the
# translation step detects its language.
ISO_639_1 = frozenset(
    language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
)
