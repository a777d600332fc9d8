"""Passwords: everyone changes their own; a forgotten one is reset by e-mail through a real SMTP
server (or, without mail, through a link an Admin gives); `patron changepassword` on the server."""

import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from patron.accounts import people
from patron.accounts.models import AccountEvent
from patron.accounts.tests.smtp import configure
from patron.actors import Actor

pytestmark = pytest.mark.django_db
RESET_LINK = re.compile(r"http://testserver(/account/password/reset/[\w-]+/[\w-]+/)")


@pytest.fixture
def lan_with_email(lan):
    lan.email = "lan@example.vn"
    lan.save()
    return lan


def test_the_log_in_page_links_to_the_forgotten_password_page(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in html and "Forgot your password?" in html


def test_everyone_changes_their_own_password_with_the_current_one(client, maria):
    client.force_login(maria)
    assert reverse("accounts:password_change") in client.get(reverse("accounts:settings")).content.decode()
    url = reverse("accounts:password_change")
    wrong = {"old_password": "nope", "new_password1": "sampaguita-77", "new_password2": "sampaguita-77"}
    response = client.post(url, wrong)
    assert response.status_code == 400 and response.context["form"].errors["old_password"]
    weak = {"old_password": "maria-pass-2024", "new_password1": "12345678", "new_password2": "12345678"}
    errors = client.post(url, weak).context["form"].errors["new_password2"]
    assert len(errors) >= 2  # too common, entirely numeric: Django's validators
    good = {
        "old_password": "maria-pass-2024",
        "new_password1": "sampaguita-77",
        "new_password2": "sampaguita-77",
    }
    assert client.post(url, good).status_code == 302
    assert client.get(reverse("accounts:settings")).status_code == 200  # still logged in
    maria.refresh_from_db()
    assert maria.check_password("sampaguita-77")
    assert AccountEvent.objects.get().action == "password"


def test_the_change_page_speaks_the_user_s_language_validators_included(client, maria):
    client.force_login(maria)
    url = reverse("accounts:password_change")
    weak = {"old_password": "maria-pass-2024", "new_password1": "12345678", "new_password2": "12345678"}
    html = client.post(url, weak).content.decode()
    assert "Palitan ang password mo" in html and "Puro numero ang password na ito." in html  # Filipino


def test_a_forgotten_password_is_reset_by_e_mail_end_to_end(client, lan_with_email, smtp_server):
    response = client.post(reverse("accounts:password_reset"), {"email": "LAN@example.vn"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    [message] = smtp_server.messages
    body = message.get_content()
    assert message["To"] == "lan@example.vn" and "mật khẩu" in message["Subject"]  # lan's Vietnamese
    [path] = RESET_LINK.findall(body)
    form = client.get(path, follow=True)
    assert form.context["validlink"]
    new = {"new_password1": "hoa-sen-2025!", "new_password2": "hoa-sen-2025!"}
    done = client.post(form.request["PATH_INFO"], new, follow=True)
    assert done.request["PATH_INFO"] == reverse("accounts:password_reset_complete")
    assert client.post(reverse("login"), {"username": "lan", "password": "hoa-sen-2025!"}).status_code == 302
    client.logout()
    again = client.get(path, follow=True)
    assert not again.context["validlink"] and 'id="invalid-link"' in again.content.decode()
    assert AccountEvent.objects.get().action == "reset"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, lan_with_email, smtp_server):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert smtp_server.messages == []


def test_a_deactivated_user_gets_no_reset_mail(client, lan_with_email, smtp_server):
    get_user_model().objects.filter(pk=lan_with_email.pk).update(is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": "lan@example.vn"})
    assert smtp_server.messages == []


def test_without_mail_the_page_says_to_ask_an_admin_and_sends_nothing(client, lan_with_email, settings):
    configure(settings, "")
    page = client.get(reverse("accounts:password_reset"))
    assert (
        'id="ask-an-admin"' in page.content.decode()
        and "<form" not in page.content.decode().split("<main")[1]
    )
    response = client.post(reverse("accounts:password_reset"), {"email": "lan@example.vn"})
    assert response.status_code == 200 and 'id="ask-an-admin"' in response.content.decode()


def test_a_reset_lifts_the_lockout_of_mistyped_log_ins(client, somchai, lan, settings):
    """axes keeps locking out wrong passwords; the owner of the account, once they have chosen a
    new password through a reset link, logs in at once."""
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "lan", "password": "wrong"})
    right = {"username": "lan", "password": "lan-pass-2024"}
    assert client.post(reverse("login"), right).status_code == 429
    client.force_login(somchai)
    issued = client.post(reverse("accounts:reset_link", args=[lan.pk])).content.decode()
    [path] = RESET_LINK.findall(issued)
    client.logout()
    form = client.get(path, follow=True)
    client.post(form.request["PATH_INFO"], {"new_password1": "mekong-77!", "new_password2": "mekong-77!"})
    assert client.post(reverse("login"), {"username": "lan", "password": "mekong-77!"}).status_code == 302


def test_patron_changepassword_sets_a_lost_password_on_the_server(tmp_path):
    """The first admin's (or the demo admin's) way back, as the README tells it."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env |= {"PATRON_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "patron.settings"}
    patron = [sys.executable, "-m", "patron.cli"]

    def run(*args, given=None):
        # A new session has no terminal, so the password prompts read the lines given.
        return subprocess.run(
            [*patron, *args],
            env=env,
            input=given,
            capture_output=True,
            text=True,
            timeout=120,
            start_new_session=True,
        )

    assert run("migrate", "-v", "0").returncode == 0
    made = "from django.contrib.auth.models import User; User.objects.create_user('admin', password='lost-1')"
    assert run("shell", "-c", made).returncode == 0
    weak = run("changepassword", "admin", given="12345678\n12345678\n" * 3)
    assert weak.returncode != 0 and "entirely numeric" in weak.stderr + weak.stdout
    changed = run("changepassword", "admin", given="river-lotus-2026\nriver-lotus-2026\n")
    assert changed.returncode == 0, changed.stderr
    check = "from django.contrib.auth.models import User; "
    check += "print(User.objects.get().check_password('river-lotus-2026'))"
    assert run("shell", "-c", check).stdout.strip().endswith("True")
    # Recorded once (the refused tries are not), as done by the system in the command.
    events = "from patron.accounts.models import AccountEvent as E; "
    events += "print([(e.action, e.actor_kind, e.actor_job, e.actor, e.user.username) "
    events += "for e in E.objects.all()])"
    recorded = run("shell", "-c", events).stdout.strip().splitlines()[-1]
    assert recorded == "[('password', 'system', 'changepassword', None, 'admin')]"


def test_the_people_page_names_the_command_that_changed_a_password(client, somchai, lan):
    people.password_change(user=lan, password="mekong-2026!", by=Actor.system(job=people.COMMAND_JOB))
    client.force_login(somchai)
    html = client.get(reverse("accounts:people")).content.decode()
    events = html.split('id="account-events"')[1]
    assert "ระบบ: คำสั่ง changepassword บนเซิร์ฟเวอร์" in events  # somchai reads Thai
    lan.refresh_from_db()
    assert lan.check_password("mekong-2026!")


def test_a_password_set_by_the_system_still_meets_the_validators(lan):
    with pytest.raises(ValidationError):
        people.password_change(user=lan, password="12345678", by=Actor.system(job=people.COMMAND_JOB))
    assert not AccountEvent.objects.exists()
