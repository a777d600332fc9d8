import pytest

from patron.customers.folding import fold
from patron.customers.selectors import customer_list
from patron.customers.tests.factories import make_customer


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn", "nguyen"),
        ("İstanbul", "istanbul"),
        ("Şükrü", "sukru"),
        ("IŞIK", "isik"),
        ("Işık", "isik"),
        ("Đặng", "dang"),
        ("สมศรี  ใจดี", "สมศรี ใจดี"),
    ],
)
def test_fold_removes_case_and_latin_accents(text, folded):
    assert fold(text) == folded


def test_fold_keeps_thai_vowel_and_tone_marks():
    # Removing them would make different Thai words equal: ไก่ (chicken) and ไก (none).
    assert fold("ไก่") != fold("ไก")


@pytest.fixture
def people(somchai, thai_shop):
    return {
        key: make_customer(somchai, key)
        for key in ["nguyen_van_an", "sukru_isik", "somsri", "istanbul_shop", "juan"]
    }


def names(**filters):
    return sorted(c.display_name for c in customer_list(**filters))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen", ["Nguyễn Văn An"]),
        ("NGUYỄN văn", ["Nguyễn Văn An"]),
        ("istanbul", ["İstanbul Çiçekçilik"]),
        ("sukru", ["Şükrü Işık"]),
        ("IŞIK", ["Şükrü Işık"]),
        ("isik", ["Şükrü Işık"]),
        ("ศรี", ["สมศรี ใจดี"]),
        ("ใจดี", ["สมศรี ใจดี"]),
        ("delacruz@example", ["Juan dela Cruz"]),
        ("JUAN.DELACRUZ@EXAMPLE.PH", ["Juan dela Cruz"]),
        ("nobody-like-this", []),
    ],
)
def test_search_ignores_case_and_accents(people, query, expected):
    assert names(q=query) == expected


@pytest.mark.parametrize(
    "query", ["081 234 5678", "0812345678", "+66812345678", "+66 81 234 5678", "2345678"]
)
def test_search_finds_a_thai_phone_in_local_or_e164_form(people, query):
    assert names(q=query) == ["สมศรี ใจดี"]


def test_search_finds_a_foreign_phone_in_e164_form(people):
    assert names(q="+84901234567") == ["Nguyễn Văn An"]


def test_filters_by_tag_country_and_consent(people, somchai):
    from patron.customers.services import consent_record

    assert names(tag="vip") == ["Şükrü Işık"]
    assert names(country="tr") == ["İstanbul Çiçekçilik", "Şükrü Işık"]
    consent_record(
        customer=people["juan"],
        channel="email",
        purpose="marketing",
        granted=True,
        source="web form",
        by=somchai,
    )
    assert names(consent="email:marketing") == ["Juan dela Cruz"]
