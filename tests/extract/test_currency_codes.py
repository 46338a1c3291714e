"""Which currency and country codes the contract accepts (cxlink.iso_codes, from pycountry)."""

from cxlink.iso_codes import ISO_3166_ALPHA2, ISO_4217


def test_current_codes_are_accepted():
    assert {"EUR", "USD", "GBP", "SEK", "BRL", "JPY", "XCG", "ZWG"} <= ISO_4217


def test_recently_withdrawn_codes_stay_accepted_for_billing_history():
    # BGN was Bulgaria's currency until 2026-01-01: 2025 invoices in lev must still load.
    assert {"BGN", "ANG", "SLL", "ZWL"} <= ISO_4217


def test_codes_that_are_not_money_and_made_up_codes_are_rejected():
    assert not {"XTS", "XXX", "XXY", "EURO", "eur"} & ISO_4217


def test_countries_are_iso_3166_alpha_2():
    assert {"FI", "DE", "SE", "BR", "US"} <= ISO_3166_ALPHA2
    assert len(ISO_3166_ALPHA2) == 249
    assert not {"ZZ", "XX", "UK"} & ISO_3166_ALPHA2
