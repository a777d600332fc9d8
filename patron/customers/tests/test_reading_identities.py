"""The quick ways phones and e-mail addresses are read give what the slow ways give."""

import random

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
