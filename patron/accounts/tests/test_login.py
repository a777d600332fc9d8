import pytest
from django.urls import reverse


@pytest.fixture
def login_url():
    return reverse("login")


def test_staff_logs_in_with_password(client, lan, login_url):
    response = client.post(login_url, {"username": "lan", "password": "lan-pass-2024"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:list")


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
