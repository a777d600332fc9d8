"""Made-up people of one country: names in local order, phones as typed, e-mail addresses."""

import re
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers

from patron.customers.folding import fold
from patron.demo.draw import Choice
from patron.demo.names import GIVEN_NAMES, MIDDLE_NAMES, SURNAMES

_NOT_ASCII_WORD = re.compile("[^a-z0-9]")

# Local parts of e-mail addresses: g given, f family, m middle, g1/f1 initials,
# n a number, y4/y2 a birth year. Vietnamese write the whole name run together; Thai
# surnames are long, so an initial often stands for them.
EMAIL_PATTERNS = {
    "VN": {"{f}{m}{g}": 3, "{f}{m}{g}{y4}": 2, "{g}.{f}": 2, "{g}{f}{n}": 2, "{f}{g}{y2}": 1},
    "TH": {"{g}.{f1}": 2, "{g}{y4}": 2, "{g}.{f}": 2, "{g}_{n}": 1, "{g}{f1}{n}": 1},
    "default": {"{g}.{f}": 3, "{g}{f}{n}": 2, "{g}{y4}": 2, "{g}_{f}": 1, "{g1}{f}": 1, "{f}.{g}": 1},
}
WORK_EMAIL_PATTERNS = {"{g}.{f}": 3, "{g1}{f}": 1, "{g}": 1}
MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def ascii_word(text):
    """The [a-z0-9] letters of a folded name: "Nguyễn Văn" -> "nguyenvan"."""
    return _NOT_ASCII_WORD.sub("", fold(text))


@dataclass(frozen=True)
class PersonName:
    given: str
    family: str
    display: str
    # Latin spellings for e-mail addresses (equal to the names for Latin-script countries).
    latin_given: str
    latin_family: str
    latin_middle: str = ""


class People:
    """Draws names, phones and e-mail addresses for one shop from one random stream.

    Addresses and numbers are unique within a run, as two real customers rarely share them.
    """

    def __init__(self, profile, rng):
        self.profile = profile
        self.rng = rng
        country = profile.country
        self.surnames = Choice((name, name.weight) for name in SURNAMES[country])
        self.given = {
            gender: Choice((name, name.weight) for name in names)
            for gender, names in GIVEN_NAMES[country].items()
        }
        self.middle = {
            gender: Choice((name, name.weight) for name in names)
            for gender, names in MIDDLE_NAMES.get(country, {}).items()
        }
        self.genders = Choice(profile.genders)
        self.domains = Choice(profile.email_domains)
        self.patterns = Choice(EMAIL_PATTERNS.get(country, EMAIL_PATTERNS["default"]))
        self.work_patterns = Choice(WORK_EMAIL_PATTERNS)
        self.prefixes = Choice(profile.phone_prefixes)
        self.phone_formats = Choice(profile.phone_formats)
        self.used_emails = set()
        self.used_phones = set()

    def gender(self):
        return self.genders.one(self.rng)

    def name(self, gender):
        """A name for a person of `gender` ("other" takes a given name from either list)."""
        if gender not in self.given:
            gender = "female" if self.rng.random() < 0.5 else "male"
        given = self.given[gender].one(self.rng)
        family = self.surnames.one(self.rng)
        if gender in self.middle:
            middle = self.middle[gender].one(self.rng)
            given_full = f"{middle.local} {given.local}"
            # Vietnamese order: family, middle, given ("Nguyễn Văn An").
            return PersonName(
                given=given_full,
                family=family.local,
                display=f"{family.local} {given_full}",
                latin_given=given.latin,
                latin_family=family.latin,
                latin_middle=middle.latin,
            )
        return PersonName(
            given=given.local,
            family=family.local,
            display=f"{given.local} {family.local}",
            latin_given=given.latin,
            latin_family=family.latin,
        )

    def birthday(self, today):
        """A birthday for an adult customer: 18 or over, most between 25 and 50 (mean about 37)."""
        age = 18 + self.rng.gamma(3, 6.5)
        return today - timedelta(days=int(365.25 * min(age, 90)))

    def email(self, name, birthday=None, work_domain=None):
        """A private address at a common mail provider, or a work one at `work_domain`."""
        g, f, m = (ascii_word(part) for part in (name.latin_given, name.latin_family, name.latin_middle))
        year = birthday.year if birthday else int(self.rng.integers(1965, 2006))
        parts = {
            "g": g,
            "f": f,
            "m": m,
            "g1": g[:1],
            "f1": f[:1],
            "n": str(int(self.rng.integers(1, 100))),
            "y4": str(year),
            "y2": f"{year % 100:02d}",
        }
        patterns = self.work_patterns if work_domain else self.patterns
        local = patterns.one(self.rng).format(**parts)
        domain = work_domain or self.domains.one(self.rng)
        address = f"{local}@{domain}"
        while address in self.used_emails:
            address = f"{local}{int(self.rng.integers(1, 1000))}@{domain}"
        self.used_emails.add(address)
        return address

    def phone(self):
        """A valid mobile number: (E.164, as the person typed it)."""
        digits = self.profile.phone_digits
        while True:
            prefix = self.prefixes.one(self.rng)
            rest = "".join(str(d) for d in self.rng.integers(0, 10, digits - len(prefix)))
            national = prefix + rest
            number = phonenumbers.parse(national, self.profile.country)
            mobile = phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in MOBILE_TYPES
            if not mobile:
                continue
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 in self.used_phones:
                continue
            self.used_phones.add(e164)
            return e164, format_as_typed(national, self.phone_formats.one(self.rng))


def format_as_typed(national, pattern):
    """Lay the national digits out as `pattern`: "#" a digit, "@" a digit after the trunk 0."""
    with_trunk, without_trunk = iter(national), iter(national[1:])
    return "".join(
        next(with_trunk) if char == "#" else next(without_trunk) if char == "@" else char for char in pattern
    )
