"""Wrong API tokens are throttled per address, in the database every server process shares."""

from datetime import timedelta

import pytest

from patron.accounts.models import TokenFailure
from patron.accounts.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_in_fifteen_minutes(settings):
    settings.PATRON_API_FAILURE_LIMIT = 3
    settings.PATRON_API_FAILURE_WINDOW = timedelta(minutes=15)


def get(client, secret, address="203.0.113.7", **headers):
    return client.get("/api/customers", HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=address, **headers)


def test_after_the_limit_every_token_from_the_address_waits_until_the_window_frees_one(
    client, somchai, thai_shop
):
    _token, secret = token_create(user=somchai, name="laptop")
    assert [get(client, f"pat_guess-{n}").status_code for n in range(3)] == [401, 401, 401]
    refused = get(client, "pat_guess-4")
    assert refused.status_code == 429
    assert 14 * 60 < int(refused["Retry-After"]) <= 15 * 60
    assert refused.json() == {
        "detail": "Too many wrong API tokens from this address; try again in 15 minutes."
    }
    # The right token too: otherwise a 429 against a 200 would tell a guess that hit.
    assert get(client, secret).status_code == 429
    assert TokenFailure.objects.count() == 3  # refused requests add no rows
    assert get(client, secret, address="198.51.100.2").status_code == 200  # another address
    # Fifteen minutes on, the first failure leaves the window and one more try is allowed.
    oldest = TokenFailure.objects.earliest("failed_at")
    TokenFailure.objects.filter(pk=oldest.pk).update(failed_at=oldest.failed_at - timedelta(minutes=15))
    assert get(client, secret).status_code == 200
    assert get(client, "pat_guess-5").status_code == 401
    assert get(client, secret).status_code == 429


def test_the_wait_is_said_in_the_callers_language(client, somchai, thai_shop):
    for n in range(3):
        get(client, f"pat_guess-{n}")
    refused = get(client, "pat_guess-4", HTTP_ACCEPT_LANGUAGE="tr")
    assert (
        refused.json()["detail"]
        == "Bu adresten çok fazla yanlış API anahtarı geldi; 15 dakika sonra yeniden deneyin."
    )


def test_requests_without_a_token_are_not_counted(client, thai_shop):
    for _ in range(5):
        assert client.get("/api/customers", REMOTE_ADDR="203.0.113.7").status_code == 401
    assert not TokenFailure.objects.exists()
