"""Money as each reader writes it: the symbol their language has for the currency, else the one
the currency's own country writes (฿ for THB in English, from th_TH), else the ISO code where a
symbol would be ambiguous or unreadable; digits and signs from the reader's language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from patron.workspace.money import currency_symbol, format_money, format_money_short

NBSP = "\xa0"

TABLE = [
    (
        "THB",
        "1942.99",
        {"en": "฿1,942.99", "th": "฿1,942.99", "vi": "1.942,99 ฿", "tr": "฿1.942,99", "fil": "฿1,942.99"},
    ),
    (
        "VND",
        "1942990",
        {
            "en": "₫1,942,990",
            "th": "₫1,942,990",
            "vi": "1.942.990 ₫",
            "tr": "₫1.942.990",
            "fil": "₫1,942,990",
        },
    ),
    (
        "TRY",
        "1942.99",
        {"en": "₺1,942.99", "th": "₺1,942.99", "vi": "1.942,99 ₺", "tr": "₺1.942,99", "fil": "₺1,942.99"},
    ),
    (
        "PHP",
        "1942.99",
        {"en": "₱1,942.99", "th": "₱1,942.99", "vi": "1.942,99 ₱", "tr": "₱1.942,99", "fil": "₱1,942.99"},
    ),
    (
        "USD",
        "1942.99",
        {"en": "$1,942.99", "th": "US$1,942.99", "vi": "1.942,99 US$", "tr": "$1.942,99", "fil": "$1,942.99"},
    ),
    (
        "EUR",
        "1942.99",
        {"en": "€1,942.99", "th": "€1,942.99", "vi": "1.942,99 €", "tr": "€1.942,99", "fil": "€1,942.99"},
    ),
    ("JPY", "1943", {"en": "¥1,943", "th": "¥1,943", "vi": "1.943 ¥", "tr": "¥1.943", "fil": "¥1,943"}),
]


@pytest.mark.parametrize(
    ("currency", "amount", "language", "text"),
    [
        (currency, amount, language, text)
        for currency, amount, texts in TABLE
        for language, text in texts.items()
    ],
)
def test_money_in_each_language(currency, amount, language, text):
    assert format_money(Decimal(amount), currency, language) == text.replace(" ", NBSP)


def test_english_shows_the_symbol_of_the_currencys_country_not_its_code():
    assert format_money(Decimal("1942.99"), "THB", "en") == "฿1,942.99"
    assert [currency_symbol(code, "en") for code in ["THB", "VND", "TRY", "PHP"]] == ["฿", "₫", "₺", "₱"]


def test_a_symbol_that_would_be_ambiguous_or_unreadable_stays_the_code():
    assert currency_symbol("SGD", "en") == "SGD"  # its $ would read as US dollars
    assert currency_symbol("NOK", "en") == "NOK" and currency_symbol("SEK", "en") == "SEK"  # both kr
    assert currency_symbol("AED", "en") == "AED"  # in Arabic script
    assert format_money(Decimal("12"), "SGD", "en") == f"SGD{NBSP}12.00"  # a code is spaced from digits
    assert format_money(Decimal("12"), "SGD", "vi") == f"12,00{NBSP}SGD"


def test_amounts_stay_exact_and_round_half_even_to_the_currencys_digits():
    assert format_money(Decimal("12345678901234.56"), "THB", "en") == "฿12,345,678,901,234.56"
    assert format_money(Decimal("0.10") + Decimal("0.20"), "TRY", "tr") == "₺0,30"
    assert format_money(Decimal("1500.5"), "VND", "vi") == f"1.500{NBSP}₫"
    assert format_money(Decimal("1501.5"), "VND", "en") == "₫1,502"
    assert format_money(Decimal("-5.5"), "PHP", "en") == "-₱5.50"
    assert format_money(Decimal("4199.6"), "TRY", "en", whole=True) == "₺4,200"


def test_the_short_form_uses_the_same_symbol():
    assert format_money_short(Decimal("101900"), "TRY", "en") == "₺101.9K"
    assert format_money_short(Decimal("101900"), "THB", "th") == "฿101.9K"


def test_the_template_filters_use_it():
    template = Template("{% load patron %}{{ amount|money:'THB' }} {{ amount|money_short:'VND' }}")
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("101900")})) == "฿101,900.00 ₫101.9K"
