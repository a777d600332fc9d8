"""Money: Decimal amounts with an ISO 4217 currency, rounded to the currency's minor units."""

import copy
import functools
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    format_compact_currency,
    get_currency_precision,
    get_currency_symbol,
    get_territory_currencies,
    list_currencies,
)

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
    """The amount as a person of `locale` writes it: ฿1,234.50, 1.234.567 ₫, ₺1.234,50 (the
    symbol as ``currency_symbol`` chooses it, in the locale's pattern, the Decimal exact);
    rounded to whole units with `whole` (an estimate: ฿4,200)."""
    language, pattern = _money_pattern(babel_locale(locale), currency, whole)
    if not whole:
        return pattern.apply(Decimal(amount), language, currency=currency, currency_digits=True)
    return pattern.apply(
        Decimal(amount).quantize(Decimal(1)), language, currency=currency, currency_digits=False
    )


@functools.cache
def _money_pattern(locale, currency, whole):
    """The locale's currency pattern with the currency's symbol written in (no digits after the
    point when ``whole``); made once per locale and currency."""
    language = Locale.parse(locale)
    pattern = copy.copy(language.currency_formats["standard"])
    symbol = currency_symbol(currency, locale)
    pattern.prefix = tuple(_with_symbol(text, symbol, before=True) for text in pattern.prefix)
    pattern.suffix = tuple(_with_symbol(text, symbol, before=False) for text in pattern.suffix)
    if whole:
        pattern.frac_prec = (0, 0)
    return language, pattern


def format_money_short(amount, currency, locale="en"):
    """A glance at an amount where room is short: ฿101.9K, 101,9 N ₫."""
    text = format_compact_currency(amount, currency, locale=babel_locale(locale), fraction_digits=1)
    symbol = currency_symbol(currency, locale)
    if symbol != currency and get_currency_symbol(currency, babel_locale(locale)) == currency:
        text = text.replace(currency, symbol)  # Babel wrote the code where its locale has no symbol
    return text


def _with_symbol(text, symbol, *, before):
    """A pattern's prefix or suffix with its "¤" replaced by ``symbol``, spaced from the digits
    as CLDR's currency spacing says when the symbol ends in a letter (SGD 12.00, but ฿12.00)."""
    if "¤" not in text or "¤¤" in text:  # "¤¤" (the code) and "¤¤¤" (the name): not in these patterns
        return text
    if before and text.endswith("¤") and symbol[-1].isalpha():
        symbol += "\xa0"
    elif not before and text.startswith("¤") and symbol[0].isalpha():
        symbol = "\xa0" + symbol
    return text.replace("¤", symbol)


@functools.cache
def currency_symbol(currency, locale="en"):
    """The symbol a reader of ``locale`` knows the currency by: the locale's own (en: $ for USD,
    € EUR, ¥ JPY, ₱ PHP), else the one the currency's country writes, where CLDR's locale of
    that country has one a reader can read and no other currency shares (en: ฿ for THB from
    th_TH, ₺ for TRY from tr_TR), else the ISO code (SGD, whose $ would read as US dollars;
    NOK and SEK, both kr; AED, whose symbol is in Arabic script)."""
    symbols = Locale.parse(babel_locale(locale)).currency_symbols
    own = symbols.get(currency)
    if own and own != currency:
        return own
    home = _home_symbols().get(currency)
    if home is None:
        return currency
    shared = list(_home_symbols().values()).count(home) > 1
    taken = any(symbol == home for code, symbol in symbols.items() if code != currency)
    return currency if shared or taken else home


@functools.cache
def _home_symbols():
    """{currency: its symbol in its country's main language}, for the currencies whose ISO code
    begins with their country's (THB: th_TH, VND: vi_VN, TRY: tr_TR, PHP: fil_PH); the euro, the
    CFA francs and other shared currencies have no one country. Only symbols a reader of any
    language can read: with a currency sign (฿ ₫ RD$ GH₵), or two or more Latin letters (Rp, RM)."""
    home = {}
    for currency in CURRENCY_CODES:
        territory = currency[:2]
        try:
            if currency not in get_territory_currencies(territory):
                continue
            symbol = Locale.parse(f"und_{territory}").currency_symbols.get(currency)
        except (ValueError, UnknownLocaleError):
            continue
        if symbol and symbol != currency and _readable(symbol):
            home[currency] = symbol
    return home


def _readable(symbol):
    if any(unicodedata.category(char) == "Sc" for char in symbol):
        return True
    letters = [char for char in symbol if char.isalpha()]
    return len(letters) >= 2 and all("LATIN" in unicodedata.name(char, "") for char in letters)


def babel_locale(language_code):
    return (language_code or "en").replace("-", "_")
