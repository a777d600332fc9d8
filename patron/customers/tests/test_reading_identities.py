"""The quick ways phones and e-mail addresses are read give what the slow ways give."""

import random
import re

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from patron.customers import phones
from patron.customers.identity import is_email_address

ADDRESSES = [
    "somsri@example.co.th",
    "a.n.nguyen+shop@gmail.com",
    "ADA_LOVELACE-1@Mail.Example.COM",
    "a..b@example.com",
    ".a@example.com",
    "a.@example.com",
    "a@-example.com",
    "a@example-.com",
    "a@example.c",
    "a@example.c0m",
    "a@example.xn--p1ai",
    "a@localhost",
    "a@[192.168.0.1]",
    '"quoted name"@example.com',
    "ümit@example.com.tr",
    "a@örnek.com.tr",
    "a@example..com",
    "a b@example.com",
    "a@example.com\n",
    "\u212a@example.com",  # the Kelvin sign, which Django's case-blind pattern takes for a k
    "a@" + "x" * 64 + ".com",
    "a@example.com.",
    "nope@",
    "@example.com",
    "x" * 300 + "@example.com",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_is_accepted_exactly_when_django_accepts_it(address):
    try:
        validate_email(address)
        valid = True
    except ValidationError:
        valid = False
    assert is_email_address(address) is valid


def test_national_digits_of_a_number_read_are_those_of_its_e164_form():
    rnd = random.Random(5)
    checked = 0
    for region in ["TH", "VN", "TR", "PH", "IT", "GB", "US", "JP", "SG", "AR", "MX", "CI"]:
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        digits = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        for n in range(40):
            raw = digits[:-3] + f"{rnd.randrange(1000):03d}" + (" ext. 12" if n % 5 == 0 else "")
            try:
                e164 = phones.normalise_phone(raw, region)
            except ValidationError:
                continue
            remembered = phones.national_digits(e164)
            phones._NATIONAL.clear()
            assert remembered == phones.national_digits(e164)
            checked += 1
    assert checked > 300


def test_a_remembered_number_is_read_again_the_same_and_a_bad_one_still_refused():
    assert phones.normalise_phone("081 234 5678", "th") == "+66812345678"
    assert phones.normalise_phone(" 081 234 5678 ", "TH") == "+66812345678"
    with pytest.raises(ValidationError, match="not a valid phone number for US"):
        phones.normalise_phone("081 234 5678", "US")
    with pytest.raises(ValidationError):
        phones.normalise_phone("12", "TH")


def _read_by_phonenumbers(text, region):
    """(E.164, national digits) as phonenumbers reads ``text``, or None when it is no valid number."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, re.sub(r"\D", "", national)


def _grouped(rnd, digits):
    """The digits as a person may write them: together, or in groups split by a space or a hyphen."""
    if rnd.random() < 0.4:
        return digits
    out = digits[0]
    for digit in digits[1:]:
        out += rnd.choice(["", "", " ", "-"]) + digit
    return out


def test_mobiles_read_without_phonenumbers_are_read_as_phonenumbers_reads_them():
    """Every 3-digit start of a national number (the shapes read directly depend on no more),
    one digit short, right (three times) and one too long, after 0 or +code, in each region and none: where
    the direct reading answers, phonenumbers answers the same E.164 form and national digits."""
    rnd = random.Random(7)
    regions = [*phones.MOBILE_PATTERNS, "US", None]
    direct = 0
    for region, (code, _pattern) in phones.MOBILE_PATTERNS.items():
        length = phonenumbers.PhoneMetadata.metadata_for_region(region).mobile.possible_length[0]
        for start in range(1000):
            for size in (length - 1, length, length, length, length + 1):
                national = f"{start:03d}" + "".join(rnd.choice("0123456789") for _ in range(size - 3))
                for lead in ("0", f"+{code}", f"+{code} "):
                    text = (lead + _grouped(rnd, national)).strip()
                    asked = rnd.choice(regions) if lead != "0" or rnd.random() < 0.2 else region
                    fast = phones._known_mobile(text, asked)
                    if fast is None:
                        continue
                    direct += 1
                    assert (fast, "0" + fast[3:]) == _read_by_phonenumbers(text, asked), (text, asked)
                    phones._READ.clear()
                    phones._NATIONAL.clear()
                    assert phones.normalise_phone(text, asked) == fast
                    assert phones.national_digits(fast) == "0" + fast[3:]
    assert direct > 5_000


def test_a_number_not_read_directly_goes_to_phonenumbers():
    assert phones._known_mobile("0212345678", "TH") is None  # a Bangkok line
    assert phones._known_mobile("+66 2 123 4567", None) is None
    assert phones._known_mobile("0812345678", "US") is None
    assert phones._known_mobile("08 12 34 56 78 ext. 5", "TH") is None
    assert phones.normalise_phone("02 123 4567", "TH") == "+6621234567"
    assert phones.normalise_phone("+66 (0)81-234-5678", "TH") == "+66812345678"
