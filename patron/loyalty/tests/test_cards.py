"""Benefit cards: random member numbers with a Luhn check digit, found as typed or scanned at the
counter, and the printable card with its QR code."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from patron.customers.tests.factories import make_customer
from patron.loyalty.cards import card_find, card_issue, luhn_digit, luhn_valid, new_number, shown_number
from patron.loyalty.models import Card

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def test_luhn_check_digit_of_known_numbers():
    # The examples of ISO/IEC 7812-1: 7992739871 has the check digit 3.
    assert luhn_digit("7992739871") == "3"
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert luhn_valid("4111111111111111")


def test_numbers_are_random_twelve_digits_with_a_valid_check_digit():
    numbers = [new_number() for _n in range(2000)]
    assert all(len(n) == 12 and n[0] != "0" and luhn_valid(n) for n in numbers)
    assert len(set(numbers)) == 2000
    ordered = sorted(int(n[:-1]) for n in numbers)
    # Not sequential: neighbours are far apart (2,000 draws among 9*10^10).
    assert min(b - a for a, b in zip(ordered, ordered[1:], strict=False)) > 1


def test_every_single_digit_mistake_is_caught():
    number = new_number()
    for position in range(len(number)):
        for digit in "0123456789":
            if digit != number[position]:
                assert not luhn_valid(number[:position] + digit + number[position + 1 :])


def test_a_card_is_issued_once(somchai, somsri):
    card, created = card_issue(customer=somsri, by=somchai)
    again, created_again = card_issue(customer=somsri, by=somchai)
    assert (created, created_again, again.pk) == (True, False, card.pk)
    assert luhn_valid(card.number)


def test_a_collision_is_drawn_again(somchai, somsri, monkeypatch):
    taken = card_issue(customer=make_customer(somchai, "juan"), by=somchai)[0].number
    draws = iter([taken, "123456789015"])
    monkeypatch.setattr("patron.loyalty.cards.new_number", lambda: next(draws))
    assert card_issue(customer=somsri, by=somchai)[0].number == "123456789015"


def test_analysts_issue_no_cards(maria, somsri):
    with pytest.raises(PermissionDenied):
        card_issue(customer=somsri, by=maria)


def test_found_with_spaces_and_dashes_as_typed_or_scanned(somchai, somsri):
    card, _ = card_issue(customer=somsri, by=somchai)
    for typed in (
        card.number,
        shown_number(card.number),
        "-".join(shown_number(card.number).split()),
        f" {card.number}\n",
    ):
        assert card_find(typed) == card
    wrong = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as refused:
        card_find(wrong)
    assert "is not a member number" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        card_find("  ")
    assert card_find("123456789015") is None  # a valid number nobody has


def test_the_counter_leads_to_the_members_page(client, somchai, emre, somsri):
    card, _ = card_issue(customer=somsri, by=somchai)
    client.force_login(emre)
    found = client.get("/loyalty/card/", {"number": shown_number(card.number)})
    assert found.status_code == 302 and found["Location"] == f"/customers/{somsri.pk}/"
    typo = client.get("/loyalty/card/", {"number": "1234 5678 9010"})
    assert typo.status_code == 400
    assert "1234 5678 9010 bir üye numarası değil" in typo.content.decode()  # emre reads Turkish
    nobody = client.get("/loyalty/card/", {"number": "1234-5678-9015"})
    assert nobody.status_code == 404 and "1234-5678-9015 numaralı bir üye yok" in nobody.content.decode()
    assert client.get("/loyalty/card/").status_code == 200


def test_the_printable_card(client, somchai, somsri, thai_shop):
    client.force_login(somchai)
    issued = client.post(f"/loyalty/customers/{somsri.pk}/card/")
    card = Card.objects.get(customer=somsri)
    assert issued.status_code == 302 and issued["Location"] == f"/loyalty/cards/{card.number}/"
    page = client.get(issued["Location"]).content.decode()
    assert "<svg" in page and shown_number(card.number) in page
    assert thai_shop.name in page and str(somsri) in page
    assert "loyalty/card.css" in page
    assert client.get("/loyalty/cards/123456789015/").status_code == 404


def test_the_qr_code_is_inline_svg_titled_with_the_number(somchai, somsri):
    from patron.loyalty.cards import qr_svg

    card, _ = card_issue(customer=somsri, by=somchai)
    svg = str(qr_svg(card.number))
    assert svg.startswith("<svg") and f"<title>{card.number}</title>" in svg
    assert "style=" not in svg  # the content security policy allows no style attribute
