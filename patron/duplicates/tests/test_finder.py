"""The duplicate finder on its own: who is paired, who is not, and what the pairs say."""

import datetime

import pytest

from patron.duplicates.finder import Person, find_pairs
from patron.duplicates.names import name_words, sound, spells_name
from patron.duplicates.testset import generate

AN = Person(
    1,
    "Nguyễn Văn An",
    given_name="Văn An",
    family_name="Nguyễn",
    emails=("an.nguyen@gmail.com",),
    phones=("+84901234567",),
    birthday=datetime.date(1990, 5, 1),
    country="VN",
)


def pair_of(left, right, **options):
    """The one pair the finder proposes for two people, or None."""
    pairs = find_pairs([left, right], **options)
    assert len(pairs) <= 1
    return pairs[0] if pairs else None


def test_accents_missing_and_phone_in_local_form_is_the_same_person():
    typed_again = Person(
        2, "Nguyen Van An", given_name="Van An", family_name="Nguyen", phones=("0901234567",)
    )
    pair = pair_of(AN, typed_again)
    assert pair.score > 0.95
    assert pair.evidence == {"name": 1.0, "phone": 1.0}


def test_namesakes_with_other_phone_email_and_birthday_are_not_paired():
    namesake = Person(
        2,
        "Nguyễn Văn An",
        given_name="Văn An",
        family_name="Nguyễn",
        emails=("nguyenvanan88@yahoo.com",),
        phones=("+84987654321",),
        birthday=datetime.date(1988, 11, 23),
        country="VN",
    )
    assert pair_of(AN, namesake) is None
    assert pair_of(AN, namesake, min_score=0).score < 0.001


def test_namesakes_whose_addresses_only_spell_the_name_are_not_paired():
    one = Person(1, "Nguyễn Văn An", phones=("+84901234567",), emails=("nguyenvanan@gmail.com",))
    other = Person(2, "Nguyễn Văn An", phones=("+84987654321",), emails=("nguyenvanan@yahoo.com",))
    assert pair_of(one, other) is None


def test_same_personal_local_part_at_another_provider_pairs_a_namesake_looking_record():
    one = Person(1, "Nguyễn Văn An", phones=("+84901234567",), emails=("nguyenvanan1990@gmail.com",))
    other = Person(2, "Nguyễn Văn An", emails=("nguyenvanan1990@yahoo.com",))
    pair = pair_of(one, other)
    assert pair.evidence == {"name": 1.0, "email": 0.9}


def test_turkish_capitals_and_dotless_i_are_the_same_name():
    sukru = Person(1, "Şükrü Işık", given_name="Şükrü", family_name="Işık", emails=("sukru.isik@gmail.com",))
    capitals = Person(
        2, "ŞÜKRÜ IŞIK", given_name="ŞÜKRÜ", family_name="IŞIK", emails=("Sukru.Isik@Gmail.com",)
    )
    assert pair_of(sukru, capitals).evidence == {"name": 1.0, "email": 1.0}


def test_thai_script_and_its_romanisation_are_the_same_name():
    thai = Person(1, "สมชาย แสงทอง", given_name="สมชาย", family_name="แสงทอง", phones=("+66812345678",))
    latin = Person(
        2, "Somchai Saengthong", given_name="Somchai", family_name="Saengthong", phones=("0812345678",)
    )
    pair = pair_of(thai, latin)
    assert pair.score > 0.9
    assert pair.evidence["name"] == 1.0


def test_a_different_thai_name_in_latin_letters_is_not_the_same_name():
    thai = Person(1, "สมชาย แสงทอง", given_name="สมชาย", family_name="แสงทอง", phones=("+66812345678",))
    other = Person(2, "Kanokwan Chaimongkol", phones=("+66812345678",))
    assert pair_of(thai, other) is None


def test_given_and_family_name_swapped_with_a_typo_is_the_same_person():
    juan = Person(1, "Juan dela Cruz", given_name="Juan", family_name="dela Cruz", phones=("+639171234567",))
    swapped = Person(
        2, "dela Cruz Jaun", given_name="dela Cruz", family_name="Jaun", phones=("+639171234567",)
    )
    pair = pair_of(juan, swapped)
    assert pair.score > 0.9
    assert 0.85 <= pair.evidence["name"] < 1


def test_a_typo_in_a_thai_name_costs_one_letter():
    somsri = Person(1, "สมศรี ใจดี", phones=("+66812345678",))
    typo = Person(2, "สมศรี ใจีด", phones=("+66812345678",))
    assert pair_of(somsri, typo).evidence["name"] == pytest.approx(1 - 1 / 10)


def test_phone_with_one_digit_wrong_pairs_the_same_name_and_birthday():
    maria = Person(1, "Maria Santos", phones=("+639171234567",), birthday=datetime.date(1990, 1, 31))
    typo = Person(2, "Maria Santos", phones=("+639171234568",), birthday=datetime.date(1990, 1, 31))
    assert pair_of(maria, typo).evidence["phone"] == pytest.approx(8 / 9, abs=0.001)


def test_thai_number_read_as_vietnamese_is_the_same_number():
    somsri = Person(1, "Somsri Jaidee", phones=("+66812345678",), emails=("somsri.j@gmail.com",))
    misread = Person(2, "Somsri Jaidee", phones=("+84812345678",))
    assert pair_of(somsri, misread).evidence == {"name": 1.0, "phone": 1.0}


def test_birthday_with_day_and_month_swapped_is_nearly_the_same():
    ayse = Person(1, "Ayşe Kaya", phones=("+905321234567",), birthday=datetime.date(1985, 3, 7))
    swapped = Person(2, "Ayse Kaya", phones=("+905321234567",), birthday=datetime.date(1985, 7, 3))
    assert pair_of(ayse, swapped).evidence["birthday"] == 0.9


def test_husband_and_wife_sharing_address_family_name_and_landline_are_not_paired():
    home = "12 Gül Sokak, Kadıköy, İstanbul"
    landline = "+902161234567"
    mehmet = Person(1, "Mehmet Yılmaz", phones=("+905321111111", landline), address=home)
    ayse = Person(2, "Ayşe Yılmaz", phones=("+905329999999", landline), address=home.replace("Sokak", "Sk."))
    assert pair_of(mehmet, ayse) is None
    assert pair_of(mehmet, ayse, min_score=0).evidence["address"] == 1.0


def test_a_shared_phone_alone_is_not_enough():
    assert (
        pair_of(
            Person(1, "Somchai Srisuk", phones=("+66812345678",)),
            Person(2, "Anucha Boonma", phones=("+66812345678",)),
        )
        is None
    )


def test_evidence_has_only_signals_both_records_have():
    with_everything = Person(
        1,
        "Kanokwan Chaimongkol",
        emails=("kanokwan.c@hotmail.com",),
        phones=("+66891234567",),
        birthday=datetime.date(1992, 2, 29),
        address="99/1 Sukhumvit Road, Bangkok 10110",
    )
    phone_and_address = Person(
        2, "Kanokwan Chaimongkol", phones=("+66891234567",), address="99/1 Sukhumvit Rd, Bangkok 10110"
    )
    assert pair_of(with_everything, phone_and_address).evidence == {"name": 1.0, "phone": 1.0, "address": 1.0}


def test_more_agreement_scores_higher_and_pairs_come_best_first():
    people = [
        Person(1, "Kanokwan Chaimongkol", phones=("+66891234567",), birthday=datetime.date(1992, 2, 29)),
        Person(5, "Kanokwan Chaimongkol", phones=("+66891234567",)),
        Person(7, "Kanokwan Chaimongkol", phones=("+66891234567",), birthday=datetime.date(1992, 2, 29)),
        Person(9, "Kanokwan Chaimongkol", phones=("+66891234576",)),
    ]
    scores = {(pair.left, pair.right): pair.score for pair in find_pairs(people, min_score=0)}
    assert scores[(1, 7)] > scores[(1, 5)] > scores[(1, 9)]
    assert list(scores.values()) == sorted(scores.values(), reverse=True)


MARIA_TWICE = [
    Person(20, "Maria Santos", phones=("+639171234567",)),
    Person(3, "Maria Santos", phones=("0917 123 4567",)),
]


def test_left_is_the_smaller_id():
    assert [(pair.left, pair.right) for pair in find_pairs(MARIA_TWICE)] == [(3, 20)]


def test_pairs_below_min_score_are_left_out():
    (pair,) = find_pairs(MARIA_TWICE)
    assert find_pairs(MARIA_TWICE, min_score=pair.score) == [pair]
    assert find_pairs(MARIA_TWICE, min_score=min(1.0, pair.score + 1e-6)) == []


def test_finding_prints_nothing(capfd):
    find_pairs(generate(300, seed=5).people)
    assert capfd.readouterr() == ("", "")


def test_fewer_than_two_people_make_no_pair():
    assert find_pairs([]) == []
    assert find_pairs(iter([AN])) == []


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Khun ŞÜKRÜ Işık", ("sukru", "isik")),
        ("Nguyễn Văn  An", ("nguyen", "van", "an")),
        ("Juan dela Cruz-Santos", ("juan", "dela", "cruz", "santos")),
        ("นางสาว สมศรี ใจดี", ("สมศรี", "ใจดี")),
    ],
)
def test_name_words_fold_case_accents_and_titles(name, words):
    assert name_words(name) == words


@pytest.mark.parametrize(
    ("thai", "latin"),
    [
        ("สมชาย", "somchai"),
        ("แสงทอง", "saengthong"),
        ("จันทร์แก้ว", "chankaew"),
        ("กนกวรรณ", "kanokwan"),
        ("จิตรภักดี", "chitphakdee"),
    ],
)
def test_thai_and_its_rtgs_spelling_sound_the_same(thai, latin):
    assert sound((thai,)) == sound((latin,))


@pytest.mark.parametrize(
    ("local", "name", "spelled"),
    [
        ("nguyenvanan", "Nguyễn Văn An", True),
        ("jrivera", "Juan Rivera", True),
        ("somyings", "สมหญิง สายสุวรรณ", True),
        ("juan1996", "Juan Rivera", False),
        ("pha4578", "Phạm Phương Hằng", False),
    ],
)
def test_local_parts_that_only_spell_the_name(local, name, spelled):
    assert spells_name(local, name_words(name)) is spelled


def test_generated_set_is_found_with_precision_and_recall_of_at_least_95_percent():
    generated = generate(3000, seed=7)
    found = {(pair.left, pair.right) for pair in find_pairs(generated.people)}
    right = found & generated.duplicate_pairs
    assert len(right) / len(found) >= 0.95
    assert len(right) / len(generated.duplicate_pairs) >= 0.95


def test_generated_set_is_the_same_for_the_same_seed():
    assert generate(200, seed=3) == generate(200, seed=3)
    assert generate(200, seed=3) != generate(200, seed=4)


def test_a_minimum_score_of_one_keeps_only_certain_pairs():
    typed_again = Person(
        2, "Nguyen Van An", given_name="Van An", family_name="Nguyen", phones=("0901234567",)
    )
    below = pair_of(AN, typed_again)
    assert below is not None and below.score < 1
    assert find_pairs([AN, typed_again], min_score=1.0) == []
