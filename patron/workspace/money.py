"""Money: Decimal amounts with an ISO 4217 currency, rounded to the currency's minor units."""

import copy
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, list_currencies

CURRENCY_CODES = sorted(code for code in list_currencies() if len(code) == 3 and code.isalpha())
CURRENCY_CHOICES = [(code, code) for code in CURRENCY_CODES]


class MoneyError(ValueError):
    pass


def check_currency(code):
    """Return the upper-case ISO 4217 code, or raise MoneyError for an unknown one."""
    normalised = (code or "").strip().upper()
    if normalised not in CURRENCY_CODES:
        raise MoneyError(f"Unknown currency code {code!r}: use an ISO 4217 code such as THB.")
    return normalised


@functools.cache
def minor_units(currency):
    """Digits after the decimal point for a currency (VND 0, THB 2, KWD 3)."""
    return get_currency_precision(check_currency(currency))


@functools.cache
def quantum(currency):
    """The currency's smallest unit as a Decimal exponent: 0.01 for THB, 1 for VND."""
    return Decimal(1).scaleb(-minor_units(currency))


def quantize(amount, currency):
    """Round an amount to the currency's minor units; refuse floats and non-numbers."""
    if isinstance(amount, float):
        raise MoneyError("Money amounts must not be floats: pass a Decimal or a string.")
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"{amount!r} is not an amount of money.") from exc
    if not value.is_finite():
        raise MoneyError(f"{amount!r} is not an amount of money.")
    return value.quantize(quantum(currency), rounding=ROUND_HALF_EVEN)


def has_more_precision_than(amount, currency):
    """True when `amount` carries digits below the currency's minor unit (e.g. 10.5 VND)."""
    value = Decimal(str(amount))
    return value != quantize(value, currency)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self):
        object.__setattr__(self, "currency", check_currency(self.currency))
        object.__setattr__(self, "amount", quantize(self.amount, self.currency))

    def format(self, locale="en"):
        return format_money(self.amount, self.currency, locale)

    def __str__(self):
        return self.format()


def format_money(amount, currency, locale="en", *, whole=False):
    """The amount as a person of `locale` writes it: ฿1,234.50, 1.234.567 ₫, ₺1.234,50;
    rounded to whole units with `whole` (an estimate: ฿4,200)."""
    if not whole:
        return format_currency(Decimal(amount), currency, locale=babel_locale(locale), currency_digits=True)
    language = Locale.parse(babel_locale(locale))
    pattern = copy.copy(language.currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern.apply(
        Decimal(amount).quantize(Decimal(1)), language, currency=currency, currency_digits=False
    )


def babel_locale(language_code):
    return (language_code or "en").replace("-", "_")
