"""People and access: the Thai shop owner (an Admin) invites, sets roles and deactivates; the
invitee joins from a one-time link; nobody else may, and the last Admin always stays."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from patron.accounts import people
from patron.accounts.models import AccountEvent, Invitation
from patron.accounts.roles import ADMIN, ANALYST, MARKETER, SERVICE_AGENT
from patron.accounts.tests.smtp import configure
from patron.web import navigation

pytestmark = pytest.mark.django_db
BASE = "http://testserver"
LINK = re.compile(r"http://testserver/account/invitation/([\w-]+)/")


@pytest.fixture
def no_mail(settings):
    configure(settings, "")


def invite(by, email="nga@example.com", role=MARKETER, language="vi"):
    return people.invitation_create(email=email, role=role, language=language, by=by, base_url=BASE)


def token_of(made):
    return LINK.fullmatch(made.link).group(1)


def join(made, username="nga", name="Nguyễn Thị Nga", password="hoa-sen-2024!"):  # noqa: S107
    return people.invitation_accept(token=token_of(made), username=username, name=name, password=password)


def test_an_invitation_without_mail_is_a_link_whose_token_is_stored_only_hashed(somchai, no_mail):
    made = invite(somchai)
    token = token_of(made)
    invitation = Invitation.objects.get()
    assert not invitation.mailed and made.mail_error == ""
    assert invitation.token_hash == Invitation.hash_token(token) and token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    event = AccountEvent.objects.get()
    assert (event.action, event.actor, event.email) == ("invite", somchai, "nga@example.com")


def test_the_invitee_joins_with_their_role_and_language_and_the_link_works_once(somchai, no_mail):
    made = invite(somchai)
    user = join(made)
    assert (user.username, user.email, user.first_name) == ("nga", "nga@example.com", "Nguyễn Thị Nga")
    assert people.role_of(user) == MARKETER and user.profile.language == "vi" and not user.is_staff
    assert user.check_password("hoa-sen-2024!")
    with pytest.raises(ValidationError, match="no longer valid"):
        join(made, username="nga2")
    assert get_user_model().objects.filter(email="nga@example.com").count() == 1
    assert people.invitation_for_token(token_of(made))[1] == "used"


def test_an_empty_username_means_the_e_mail_address(somchai, no_mail):
    user = join(invite(somchai), username="  ")
    assert user.username == "nga@example.com"


def test_an_expired_or_revoked_invitation_opens_nothing(somchai, no_mail):
    expired, revoked = invite(somchai, "a@example.com"), invite(somchai, "b@example.com")
    Invitation.objects.filter(email="a@example.com").update(expires_at=timezone.now() - timedelta(seconds=1))
    people.invitation_revoke(invitation=revoked.invitation, by=somchai)
    assert people.invitation_for_token(token_of(expired))[1] == "expired"
    assert people.invitation_for_token(token_of(revoked))[1] == "revoked"
    assert people.invitation_for_token("forged")[1] == "unknown"
    for made in (expired, revoked):
        with pytest.raises(ValidationError):
            join(made, username=made.invitation.email)
    assert not get_user_model().objects.filter(email__in=["a@example.com", "b@example.com"]).exists()
    assert list(people.pending_invitations()) == []


def test_a_new_invitation_to_the_same_address_replaces_the_open_one(somchai, no_mail):
    first = invite(somchai)
    invite(somchai, "NGA@example.com", role=ANALYST)
    assert people.invitation_for_token(token_of(first))[1] == "revoked"
    assert [i.role for i in people.pending_invitations()] == [ANALYST]


def test_joining_checks_username_name_and_django_s_password_validators(somchai, lan, no_mail):
    made = invite(somchai)
    with pytest.raises(ValidationError) as refused:
        join(made, username="LAN", name="  ", password="12345678")
    errors = refused.value.message_dict
    assert "taken" in errors["username"][0] and errors["name"] and len(errors["password"]) >= 2
    assert Invitation.objects.get().is_pending()  # nothing used up by a refused try


def test_an_address_with_an_account_is_not_invited(somchai, no_mail):
    somchai.email = "somchai@example.com"
    somchai.save()
    with pytest.raises(ValidationError, match="account already"):
        invite(somchai, "SOMCHAI@example.com")
    with pytest.raises(ValidationError):
        invite(somchai, "not an address")
    with pytest.raises(ValidationError):
        invite(somchai, role="Owner")


@pytest.mark.parametrize("username", ["lan", "emre", "maria"])
def test_only_admins_manage_people(staff, somchai, username, no_mail):
    user = staff(username)
    with pytest.raises(PermissionDenied):
        invite(user)
    with pytest.raises(PermissionDenied):
        people.role_set(user=somchai, role=ANALYST, by=user)
    with pytest.raises(PermissionDenied):
        people.user_set_active(user=somchai, active=False, by=user)
    with pytest.raises(PermissionDenied):
        people.reset_link_issue(user=somchai, by=user, base_url=BASE)
    assert people.role_of(somchai) == ADMIN and somchai.is_active


def test_a_role_is_set_and_recorded(somchai, lan):
    people.role_set(user=lan, role=SERVICE_AGENT, by=somchai)
    assert people.role_of(lan) == SERVICE_AGENT and lan.has_perm("customers.add_customer")
    assert not get_user_model().objects.get(pk=lan.pk).has_perm("sales.add_order")
    people.role_set(user=lan, role=ADMIN, by=somchai)
    assert get_user_model().objects.get(pk=lan.pk).is_staff
    changes = [e.changes["role"] for e in AccountEvent.objects.filter(action="role").order_by("id")]
    assert changes == [[MARKETER, SERVICE_AGENT], [SERVICE_AGENT, ADMIN]]


def test_the_last_active_admin_can_neither_demote_nor_deactivate_themselves(somchai, lan):
    with pytest.raises(ValidationError, match="last active Admin"):
        people.role_set(user=somchai, role=MARKETER, by=somchai)
    with pytest.raises(ValidationError, match="last active Admin"):
        people.user_set_active(user=somchai, active=False, by=somchai)
    somchai.refresh_from_db()
    assert somchai.is_active and people.role_of(somchai) == ADMIN
    people.role_set(user=lan, role=ADMIN, by=somchai)
    people.role_set(user=somchai, role=MARKETER, by=somchai)  # another Admin now exists
    assert people.role_of(get_user_model().objects.get(pk=somchai.pk)) == MARKETER


def test_an_inactive_admin_does_not_count_as_the_other_admin(somchai, lan):
    people.role_set(user=lan, role=ADMIN, by=somchai)
    people.user_set_active(user=lan, active=False, by=somchai)
    with pytest.raises(ValidationError, match="last active Admin"):
        people.user_set_active(user=somchai, active=False, by=somchai)


def test_a_superuser_given_another_role_stops_being_one(somchai, lan):
    boss = get_user_model().objects.create_superuser("admin", password="x-long-password-1")
    people.role_set(user=boss, role=ANALYST, by=somchai)
    boss.refresh_from_db()
    assert not boss.is_superuser and not boss.has_perm("customers.add_customer")


def test_a_deactivated_user_cannot_log_in_and_can_be_reactivated(client, somchai, lan):
    people.user_set_active(user=lan, active=False, by=somchai)
    response = client.post(reverse("login"), {"username": "lan", "password": "lan-pass-2024"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    people.user_set_active(user=lan, active=True, by=somchai)
    assert client.post(reverse("login"), {"username": "lan", "password": "lan-pass-2024"}).status_code == 302
    actions = list(AccountEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["deactivate", "reactivate"]


def test_a_deactivated_user_s_open_session_ends(client, somchai, lan):
    client.force_login(lan)
    assert client.get("/customers/").status_code == 200
    people.user_set_active(user=lan, active=False, by=somchai)
    assert client.get("/customers/").status_code == 302


# The pages.


@pytest.fixture
def admin_client(client, somchai):
    client.force_login(somchai)
    return client


def test_the_people_page_lists_users_with_role_state_and_last_log_in(client, somchai, lan, maria, no_mail):
    client.force_login(somchai)
    page = client.get(reverse("accounts:people"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="person-{lan.pk}"' in html and f'id="person-{maria.pk}"' in html
    assert 'value="Marketer" selected' in html and 'id="no-mail"' in html
    assert "ผู้ใช้งาน" in html  # the page in somchai's Thai


@pytest.mark.parametrize("username", ["lan", "emre", "maria"])
def test_the_people_page_is_for_admins_only(client, staff, username):
    client.force_login(staff(username))
    assert client.get(reverse("accounts:people")).status_code == 403
    assert (
        client.post(reverse("accounts:people"), {"email": "x@example.com", "role": ADMIN}).status_code == 403
    )
    assert not Invitation.objects.exists()


def test_the_menu_shows_people_to_admins_only(client, somchai, lan):
    with navigation.override():
        client.force_login(lan)
        assert reverse("accounts:people") not in client.get("/customers/").content.decode()
        client.force_login(somchai)
        assert reverse("accounts:people") in client.get("/customers/").content.decode()


def test_an_invitation_without_mail_shows_its_link_once_on_the_page(admin_client, no_mail):
    response = admin_client.post(
        reverse("accounts:people"), {"email": "nga@example.com", "role": MARKETER, "language": "vi"}
    )
    html = response.content.decode()
    [link] = LINK.findall(html)
    assert Invitation.objects.get().token_hash == Invitation.hash_token(link)
    assert 'id="invitation-link"' in html and "nga@example.com" in html
    assert link not in admin_client.get(reverse("accounts:people")).content.decode()


def test_an_invitation_with_mail_is_sent_with_the_link_in_the_body(admin_client, smtp_server):
    response = admin_client.post(
        reverse("accounts:people"),
        {"email": "nga@example.com", "role": MARKETER, "language": "vi"},
        follow=True,
    )
    assert Invitation.objects.get().mailed
    html = response.content.decode()
    assert 'id="invitation-link"' not in html and not LINK.search(html)  # not shown: it was sent
    [message] = smtp_server.messages
    assert message["To"] == "nga@example.com"
    [token] = LINK.findall(message.get_content())
    assert Invitation.objects.get().token_hash == Invitation.hash_token(token)
    assert "Marketer" not in message.get_content() and "tiếp thị" in message.get_content().lower()


def test_a_mail_the_server_refuses_leaves_the_link_on_the_page(admin_client, settings, smtp_server):
    settings.EMAIL_HOST_PASSWORD = "wrong"
    response = admin_client.post(reverse("accounts:people"), {"email": "nga@example.com", "role": ANALYST})
    html = response.content.decode()
    assert not Invitation.objects.get().mailed and smtp_server.messages == []
    assert len(LINK.findall(html)) == 1 and 'class="warn"' in html


def test_the_invitee_s_page_makes_the_account_and_logs_them_in(client, somchai, no_mail):
    made = invite(somchai)
    url = reverse("accounts:accept_invitation", args=[token_of(made)])
    page = client.get(url)
    assert page.status_code == 200 and "nga@example.com" in page.content.decode()
    response = client.post(
        url, {"username": "", "name": "Nga", "password": "hoa-sen-2024!", "password2": "hoa-sen-2024!"}
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="nga@example.com")
    assert int(client.session["_auth_user_id"]) == user.pk
    again = client.get(url)
    assert again.status_code == 410 and "đã được dùng" in again.content.decode()  # in Nga's Vietnamese


def test_the_invitee_s_page_shows_what_is_wrong(client, somchai, no_mail):
    made = invite(somchai, language="")
    url = reverse("accounts:accept_invitation", args=[token_of(made)])
    response = client.post(url, {"username": "nga", "name": "Nga", "password": "123", "password2": "124"})
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert response.context["form"].errors["password2"]
    response = client.post(url, {"username": "nga", "name": "Nga", "password": "1234", "password2": "1234"})
    assert response.context["form"].errors["password"]
    assert client.get(reverse("accounts:accept_invitation", args=["forged"])).status_code == 404


def test_the_page_lists_the_latest_changes(admin_client, somchai, lan):
    people.role_set(user=lan, role=ANALYST, by=somchai)
    people.user_set_active(user=lan, active=False, by=somchai)
    html = admin_client.get(reverse("accounts:people")).content.decode()
    events = html.split('id="account-events"')[1]
    assert "นักการตลาด → นักวิเคราะห์" in events and "ปิดการใช้งาน" in events  # in somchai's Thai


def test_roles_and_deactivation_from_the_page(admin_client, somchai, lan):
    admin_client.post(reverse("accounts:set_role", args=[lan.pk]), {"role": ANALYST})
    assert people.role_of(lan) == ANALYST
    admin_client.post(reverse("accounts:set_active", args=[lan.pk]), {"active": "0"})
    lan.refresh_from_db()
    assert not lan.is_active
    response = admin_client.post(
        reverse("accounts:set_active", args=[somchai.pk]), {"active": "0"}, follow=True
    )
    said = [str(m) for m in response.context["messages"]]
    assert any("ผู้ดูแลระบบคนสุดท้าย" in text for text in said)  # refused, in Thai
    somchai.refresh_from_db()
    assert somchai.is_active


def test_an_admin_s_reset_link_lets_the_user_choose_a_new_password_once(client, admin_client, lan):
    response = admin_client.post(reverse("accounts:reset_link", args=[lan.pk]))
    [link] = re.findall(r"http://testserver(/account/password/reset/[^<\s]+)", response.content.decode())
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    new = {"new_password1": "mekong-river-77", "new_password2": "mekong-river-77"}
    assert client.post(form.request["PATH_INFO"], new).status_code == 302
    lan.refresh_from_db()
    assert lan.check_password("mekong-river-77")
    assert not client.get(link, follow=True).context["validlink"]  # once
    assert list(AccountEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "reset_link",
        "reset",
    ]
