from django.urls import reverse

from patron.accounts.models import ApiToken
from patron.accounts.services import token_authenticate, token_create, token_revoke


def test_token_is_stored_hashed_and_authenticates(lan):
    token, secret = token_create(user=lan, name="sheets")
    assert secret not in (token.key_hash, token.prefix)
    assert token_authenticate(secret) == lan


def test_revoked_token_no_longer_authenticates(lan):
    token, secret = token_create(user=lan, name="sheets")
    token_revoke(token=token, by=lan)
    assert token_authenticate(secret) is None


def test_token_of_a_deactivated_user_does_not_authenticate(lan):
    _token, secret = token_create(user=lan, name="sheets")
    lan.is_active = False
    lan.save()
    assert token_authenticate(secret) is None


def test_settings_page_shows_a_new_token_once(client, lan):
    client.force_login(lan)
    response = client.post(reverse("accounts:settings"), {"form": "token", "name": "Google Sheets"})
    secret = response.context["new_secret"]
    assert secret.startswith("pat_") and secret in response.content.decode()
    assert secret not in client.get(reverse("accounts:settings")).content.decode()


def test_settings_page_refuses_an_empty_token_name(client, lan):
    client.force_login(lan)
    response = client.post(reverse("accounts:settings"), {"form": "token", "name": ""})
    assert response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_user_revokes_own_token_but_not_anothers(client, lan, emre):
    token, _secret = token_create(user=emre, name="emre's")
    client.force_login(lan)
    assert client.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 404
    client.force_login(emre)
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_preferences_with_a_bad_time_zone_are_refused(client, lan):
    client.force_login(lan)
    response = client.post(
        reverse("accounts:settings"), {"form": "preferences", "language": "vi", "time_zone": "Moon"}
    )
    assert response.context["form"].errors
