"""The outbox pages: Admins only; the mail newest first, by status, a page at a time; one message
with its text as text and the server's answer. The outbox in the customer-data registry."""

import re

import pytest
from django.urls import reverse

from patron.actors import Actor
from patron.customers.erasure import MARK, customer_erase
from patron.customers.export import customer_export
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.outbox.models import Message
from patron.outbox.services import mail_send
from patron.web.lists import PAGE_SIZE

pytestmark = pytest.mark.django_db
ROW = re.compile(r'id="message-\d+"')


def kept(by, subject="Your points", body="Hello", to="somsri@example.co.th", **options):
    """A message kept in the outbox (pytest-django's settings configure no server)."""
    return mail_send(to=to, subject=subject, body=body, by=by, purpose="reminder", **options)


@pytest.mark.parametrize("username", ["lan", "emre", "maria"])
def test_only_admins_read_the_mail(client, staff, username):
    message = kept(staff("somchai"))
    client.force_login(staff(username))
    assert client.get(reverse("outbox:list")).status_code == 403
    assert client.get(reverse("outbox:detail", args=[message.pk])).status_code == 403


def test_an_admin_reads_the_outbox_newest_first_and_by_status(client, somchai):
    older = kept(somchai, subject="First")
    newer = kept(somchai, subject="Second")
    Message.objects.filter(pk=older.pk).update(status="failed", reply="550 no such user")
    client.force_login(somchai)
    people = client.get(reverse("accounts:people")).content.decode()
    assert f'id="people-mail" href="{reverse("outbox:list")}"' in people  # one click from the menu's People
    html = client.get(reverse("outbox:list")).content.decode()
    assert html.index(f'id="message-{newer.pk}"') < html.index(f'id="message-{older.pk}"')
    assert "PATRON_EMAIL_URL" in html  # the page says why the mail stays here
    failed = client.get(reverse("outbox:list"), {"status": "failed"}).content.decode()
    assert f'id="message-{older.pk}"' in failed and f'id="message-{newer.pk}"' not in failed
    unknown = client.get(reverse("outbox:list"), {"status": "lost"}).content.decode()
    assert not ROW.findall(unknown)  # a status the page does not know shows nothing, and says so
    assert '<span class="error">' in unknown and 'class="errorlist"' in unknown  # in his language


def test_the_outbox_is_paged(client, somchai):
    for number in range(PAGE_SIZE + 1):
        kept(somchai, subject=f"Message {number}")
    client.force_login(somchai)
    first = client.get(reverse("outbox:list")).content.decode()
    assert len(ROW.findall(first)) == PAGE_SIZE and 'rel="next"' in first
    cursor = first.split('rel="next"')[0].rsplit("cursor=", 1)[1].split('"')[0]
    second = client.get(reverse("outbox:list") + f"?cursor={cursor}").content.decode()
    assert len(ROW.findall(second)) == 1 and "Message 0<" in second
    assert client.get(reverse("outbox:list"), {"cursor": "nonsense"}).status_code == 302


def test_a_message_shows_its_text_escaped_and_the_server_s_answer(client, somchai):
    message = kept(somchai, subject="<b>Offer</b>", body="<script>alert(1)</script>\nLine two")
    Message.objects.filter(pk=message.pk).update(status="sent", reply="250 2.0.0 Ok: queued as 4F1B2")
    client.force_login(somchai)
    html = client.get(reverse("outbox:detail", args=[message.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Line two" in html and "<script>alert" not in html
    assert "&lt;b&gt;Offer&lt;/b&gt;" in html and "250 2.0.0 Ok: queued as 4F1B2" in html


def test_a_purpose_reads_as_its_sender_named_it_in_the_reader_s_language(client, somchai):
    mail_send(to="nga@example.com", subject="Join", body=".", by=somchai, purpose="password-reset")
    client.force_login(somchai)  # Thai
    html = client.get(reverse("outbox:list")).content.decode()
    assert "การตั้งรหัสผ่านใหม่" in html and "password-reset" not in html


def test_a_merge_moves_the_mail_an_export_holds_it_and_an_erasure_takes_the_person_out(somchai):
    survivor = make_customer(somchai, "somsri")
    merged = make_customer(
        somchai, given_name="Somsri", family_name="Jaidee", emails=["somsri.j@example.com"]
    )
    message = kept(
        Actor.system(job="reminders"),
        subject="Somsri, your points expire",
        body="Dear Somsri Jaidee, ...",
        to="somsri.j@example.com",
        customer=merged,
    )
    Message.objects.filter(pk=message.pk).update(status="failed", reply="550 <somsri.j@example.com>: unknown")
    customer_merge(survivor=survivor, merged=merged, by=somchai)
    assert Message.objects.get().customer == survivor
    [exported] = customer_export(customer=survivor, by=somchai)["data"]["outbox_messages"]
    assert exported["to"] == "somsri.j@example.com"
    customer_erase(customer=survivor, reason="asked by the person", by=somchai)
    message = Message.objects.get()
    assert (message.to, message.body) == (MARK, "")
    assert "Somsri" not in message.subject and "somsri" not in message.reply
    assert (message.status, message.purpose) == ("failed", "reminder")  # that it went stays


def test_a_visitor_not_logged_in_is_sent_to_log_in(client):
    response = client.get(reverse("outbox:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
