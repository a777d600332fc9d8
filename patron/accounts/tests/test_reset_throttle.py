"""Password reset requests are throttled in the database: so many e-mails per account and so many
requests per client address within the window. A throttled request gets the page every request
gets, nothing is sent, and the refusal is logged. Mail goes through a real SMTP server."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from patron.accounts.models import ThrottleHit

pytestmark = pytest.mark.django_db
LAN, NGA = "lan@example.vn", "nga@example.vn"
CSRF_TOKEN = re.compile(rb'(?<="X-CSRFToken": ")[^"]*|(?<=name="csrfmiddlewaretoken" value=")[^"]*')


@pytest.fixture
def people(lan, maria):
    lan.email = LAN
    lan.save()
    maria.email = NGA
    maria.save()
    return lan, maria


@pytest.fixture
def limits(settings):
    settings.PATRON_RESET_ACCOUNT_LIMIT = 3
    settings.PATRON_RESET_ADDRESS_LIMIT = 6
    settings.PATRON_RESET_WINDOW = timedelta(hours=1)
    return settings


def ask(client, email, address="198.51.100.7"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def sent_to(inbox):
    return [message["To"] for message in inbox.messages]


def age(scope, minutes):
    """The throttle's rows in ``scope`` as if made ``minutes`` earlier (time passing)."""
    for hit in ThrottleHit.objects.filter(scope=scope):
        hit.at -= timedelta(minutes=minutes)
        hit.save(update_fields=["at"])


def test_an_account_gets_at_most_three_reset_mails_an_hour(client, people, limits, smtp_server, caplog):
    answers = [ask(client, LAN, address=f"198.51.100.{n}") for n in range(5)]
    assert sent_to(smtp_server) == [LAN] * 3
    # The throttled answers are the page's usual one: nothing says the address has an account.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }
    throttled = [r for r in caplog.records if "too many e-mails to user" in r.getMessage()]
    assert len(throttled) == 2 and all(str(people[0].pk) in r.getMessage() for r in throttled)
    assert ThrottleHit.objects.filter(scope="reset-account").count() == 3  # refusals keep no row


def test_other_accounts_are_not_held_back(client, people, limits, smtp_server):
    for _request in range(4):
        ask(client, LAN)
    ask(client, NGA)
    assert sent_to(smtp_server) == [LAN] * 3 + [NGA]


def test_an_address_makes_at_most_its_limit_of_requests(client, people, limits, smtp_server, caplog):
    for n in range(5):
        ask(client, f"nobody{n}@example.com")  # probing for accounts counts too
    ask(client, LAN)  # the sixth request: sent
    assert sent_to(smtp_server) == [LAN]
    answer = ask(client, NGA)  # the seventh: answered as usual, nothing sent
    assert answer.status_code == 302 and answer["Location"] == reverse("accounts:password_reset_done")
    assert sent_to(smtp_server) == [LAN]
    assert any("too many requests from address '198.51.100.7'" in r.getMessage() for r in caplog.records)
    ask(client, NGA, address="203.0.113.20")  # another address is not held back
    assert sent_to(smtp_server) == [LAN, NGA]


def test_the_throttled_page_is_the_same_page(client, people, limits, smtp_server):
    limits.PATRON_RESET_ACCOUNT_LIMIT = 1

    def page(email):
        html = client.post(reverse("accounts:password_reset"), {"email": email}, follow=True).content
        return CSRF_TOKEN.sub(b"", html)  # a new token on every page

    assert page(LAN) == page(LAN) == page("nobody@example.com")
    assert len(smtp_server.messages) == 1


def test_the_window_slides(client, people, limits, smtp_server):
    addresses = iter(f"192.0.2.{n}" for n in range(1, 20))  # each from its own address
    for _request in range(3):
        ask(client, LAN, next(addresses))
        age("reset-account", 20)  # one request every 20 minutes
    # The first was 60 minutes ago: out of the window, so one more is sent, and then no more.
    ask(client, LAN, next(addresses))
    ask(client, LAN, next(addresses))
    assert sent_to(smtp_server) == [LAN] * 4
    age("reset-account", 19)  # the second is now 59 minutes old: still inside the window
    ask(client, LAN, next(addresses))
    assert len(smtp_server.messages) == 4
    age("reset-account", 2)
    ask(client, LAN, next(addresses))
    assert len(smtp_server.messages) == 5


def test_the_address_window_slides_and_old_rows_are_cleared(client, people, limits, smtp_server):
    for n in range(6):
        ask(client, f"nobody{n}@example.com")
    ask(client, LAN)
    assert smtp_server.messages == []
    age("reset-address", 61)
    ask(client, LAN)
    assert sent_to(smtp_server) == [LAN]
    assert ThrottleHit.objects.filter(scope="reset-address").count() == 1  # the hour-old ones gone


def test_a_deactivated_or_unknown_account_uses_no_account_allowance(client, people, limits, smtp_server):
    get_user_model().objects.filter(pk=people[0].pk).update(is_active=False)
    ask(client, LAN)
    assert not ThrottleHit.objects.filter(scope="reset-account").exists()
    assert smtp_server.messages == []
