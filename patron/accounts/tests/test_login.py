from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse


@pytest.fixture
def login_url():
    return reverse("login")


def test_staff_logs_in_with_password(client, lan, login_url):
    response = client.post(login_url, {"username": "lan", "password": "lan-pass-2024"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home:index")


def test_login_is_locked_after_five_failures(client, lan, login_url, settings):
    for _attempt in range(5):
        client.post(login_url, {"username": "lan", "password": "wrong"})
    response = client.post(login_url, {"username": "lan", "password": "lan-pass-2024"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2_in_production():
    from patron import settings as patron_settings

    production = [h for h in patron_settings.PASSWORD_HASHERS if "MD5" not in h]
    assert production[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_language_switch_is_saved_on_the_profile(client, lan):
    client.force_login(lan)
    client.post(reverse("accounts:language"), {"language": "tr", "next": "/customers/"})
    lan.profile.refresh_from_db()
    assert lan.profile.language == "tr"
    assert client.get("/customers/").headers["Content-Language"] == "tr"


def test_language_switch_refuses_foreign_redirects(client, lan):
    client.force_login(lan)
    response = client.post(reverse("accounts:language"), {"language": "th", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def fail(client, login_url, username, address="203.0.113.9", **headers):
    return client.post(login_url, {"username": username, "password": "wrong"}, REMOTE_ADDR=address, **headers)


def test_one_address_trying_many_user_names_is_locked_out_and_told_for_how_long(
    client, lan, emre, login_url, settings
):
    settings.PATRON_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    answers = [fail(client, login_url, name).status_code for name in ["lan", "emre", "admin", "a", "b", "c"]]
    assert answers == [200, 200, 200, 200, 200, 429]  # the failure that reaches the limit is told at once
    right = {"username": "emre", "password": "emre-pass-2024"}
    response = client.post(login_url, right, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert "Too many failed log-ins from this address; try again in 15 minutes." in response.content.decode()
    # Another address is not affected.
    assert client.post(login_url, right, REMOTE_ADDR="198.51.100.4").status_code == 302


def test_the_wait_shrinks_as_the_failures_age_and_is_said_in_the_visitors_language(
    client, lan, login_url, settings
):
    from axes.models import AccessAttempt

    settings.PATRON_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for username in ["a", "b", "c"]:
        fail(client, login_url, username)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=11))
    response = fail(client, login_url, "lan", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 429
    assert "โปรดลองอีกครั้งใน 4 นาที" in response.content.decode()
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=4))
    ok = client.post(login_url, {"username": "lan", "password": "lan-pass-2024"}, REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 302


def test_fewer_failures_across_names_than_the_address_limit_lock_no_one(client, lan, login_url):
    for username in ["a", "b", "c", "d"]:
        fail(client, login_url, username)
    ok = client.post(login_url, {"username": "lan", "password": "lan-pass-2024"}, REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 302
