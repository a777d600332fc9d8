"""Sending surveys and answering them through their links: the e-mail, the links' token, the
first answer counting, forged, reused and expired links, and the follow-up of a detractor. A
link's page records nothing until it is posted (test_scanners.py): these tests post."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from patron.actors import Actor
from patron.customers.services import CustomerData, consent_record, customer_update
from patron.customers.tests.factories import make_customer
from patron.feedback.events import feedback_recorded
from patron.feedback.models import Survey
from patron.feedback.services import survey_send, survey_settings
from patron.interactions.models import Interaction
from patron.outbox.models import Message
from patron.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_an_nps_survey_goes_by_e_mail_in_the_customer_language(sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    assert (survey.status, survey.email, survey.language) == ("sent", "somsri@example.co.th", "th")
    assert sorted(survey._links) == list(range(11))
    message = Message.objects.get(customer=somsri)
    assert (message.purpose, message.language, message.status) == ("survey", "th", "outbox")
    assert message.subject == "คุณจะแนะนำ ร้านสมชาย ให้คนอื่นไหม"
    assert survey._body.startswith("เรียน คุณสมศรี")
    token = survey._links[0].split("/")[4]
    assert token not in message.body and "[…]" in message.body  # the record keeps no usable link
    assert survey.token_hash and token not in survey.token_hash
    assert (survey.actor_kind, survey.sent_by) == ("staff", lan)


def test_a_csat_survey_has_five_links(sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="csat", reason="hand")
    assert sorted(survey._links) == [1, 2, 3, 4, 5]


def test_the_workspace_language_serves_a_customer_without_one(sent, somchai, lan, thai_shop):
    customer = make_customer(somchai, "juan")  # no locale; the shop is Thai
    assert sent(by=lan, customer=customer, kind="nps", reason="hand").language == "th"
    customer.locale = "fil-PH"
    customer.save()
    assert sent(by=lan, customer=customer, kind="nps", reason="hand").language == "fil"


def test_no_survey_without_an_address_and_the_reason_is_kept(sent, somchai, lan, thai_shop):
    customer = make_customer(somchai, display_name="No mail", country="TH")
    survey = sent(by=lan, customer=customer, kind="nps", reason="hand")
    assert (survey.status, survey.skip_reason) == ("skipped", "no_email")
    assert str(survey.get_skip_reason_display()) == "the customer has no e-mail address"
    assert not Message.objects.exists()


def test_no_survey_to_a_customer_who_refused_e_mail(sent, somsri, lan, somchai):
    consent_record(
        customer=somsri, channel="email", purpose="marketing", granted=False, source="form", by=somchai
    )
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    assert (survey.status, survey.skip_reason) == ("skipped", "refused")
    assert not Message.objects.exists()


def test_automatic_surveys_keep_the_minimum_interval_and_by_hand_does_not(sent, somsri, lan):
    job = Actor.system(job="surveys_after_orders")
    assert sent(by=job, customer=somsri, kind="nps", reason="order").status == "sent"
    again = sent(by=job, customer=somsri, kind="csat", reason="task")
    assert (again.status, again.skip_reason) == ("skipped", "too_soon")
    assert sent(by=lan, customer=somsri, kind="csat", reason="hand").status == "sent"
    Survey.objects.update(created_at=timezone.now() - timedelta(days=91))
    assert sent(by=job, customer=somsri, kind="nps", reason="playbook").status == "sent"


def test_the_analyst_may_not_send_a_survey(somsri, maria):
    with pytest.raises(PermissionDenied):
        survey_send(by=maria, customer=somsri, kind="nps", reason="hand")


def test_one_click_records_the_answer_as_the_customer(
    client, sent, somsri, lan, django_capture_on_commit_callbacks
):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    told = []

    def receiver(sender, customer_ids, **kwargs):
        told.append(customer_ids)

    feedback_recorded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(survey._links[9])
    finally:
        feedback_recorded.disconnect(receiver)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="th"' in page and "คุณให้คะแนน 9 จาก 10" in page and 'name="comment"' in page
    assert "nav" not in page and "http" not in page.split("<body>")[1]  # no staff menu, no outside asset
    survey.refresh_from_db()
    assert (survey.score, survey.band, survey.answer_actor_kind) == (9, "promoter", "customer")
    assert survey.answer_actor_customer_id == somsri.pk and survey.answered_by is None
    assert told == [(somsri.pk,)]


def test_a_second_click_from_elsewhere_changes_nothing(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    client.post(survey._links[8])
    answered_at = Survey.objects.get().answered_at
    response = Client().post(survey._links[2])  # another browser, or the same after a while
    assert response.status_code == 200
    assert "คุณตอบแบบสำรวจนี้ไปแล้ว" in response.content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.band, survey.answered_at) == (8, "passive", answered_at)
    assert not Task.objects.exists()


def test_a_forged_token_records_nothing(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    # Whose link it is stays unknown: the page speaks the browser's language.
    forged = f"/feedback/s/{survey.pk}/forged-token-abc/10/"
    for response in (
        client.get(forged, HTTP_ACCEPT_LANGUAGE="th"),
        client.post(forged, HTTP_ACCEPT_LANGUAGE="th"),
    ):
        assert response.status_code == 404
        assert "ลิงก์แบบสำรวจนี้ไม่ถูกต้อง" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_another_survey_token_never_answers_this_one(client, sent, somsri, lan, somchai):
    mine = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    other = sent(by=lan, customer=make_customer(somchai, "juan"), kind="nps", reason="hand")
    their_token = other._links[10].split("/")[4]
    assert client.get(f"/feedback/s/{mine.pk}/{their_token}/10/").status_code == 404
    assert client.post(f"/feedback/s/{mine.pk}/{their_token}/10/").status_code == 404
    assert not Survey.objects.filter(answered_at__isnull=False).exists()


def test_a_score_outside_the_scale_records_nothing(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="csat", reason="hand")
    path = survey._links[5].rsplit("/", 2)[0] + "/9/"
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_expired_link_records_nothing(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    Survey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for response in (client.get(survey._links[10]), client.post(survey._links[10])):
        assert response.status_code == 410
        assert "ลิงก์แบบสำรวจนี้หมดอายุแล้ว" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_the_link_lasts_as_long_as_the_settings_say(sent, somsri, lan):
    config = survey_settings()
    config.link_days = 7
    config.save()
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    assert timedelta(days=7) - (survey.expires_at - timezone.now()) < timedelta(minutes=1)


def test_a_comment_is_kept_once(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="csat", reason="hand")
    client.post(survey._links[4])
    comment = survey._links[4].rsplit("/", 2)[0] + "/comment/"
    assert client.post(comment, {"comment": "ส่งของเร็วมาก"}).status_code == 200
    assert client.post(comment, {"comment": "changed my mind"}).status_code == 200
    survey.refresh_from_db()
    assert survey.comment == "ส่งของเร็วมาก"


def test_an_empty_comment_is_refused_in_the_customer_language(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="csat", reason="hand")
    client.post(survey._links[2])
    response = client.post(survey._links[2].rsplit("/", 2)[0] + "/comment/", {"comment": "  "})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_detractor_opens_one_follow_up_for_the_owner(client, sent, somchai, lan, thai_shop):
    customer = customer_update(
        customer=make_customer(somchai, "juan"), data=CustomerData(owner="lan"), by=somchai
    )
    survey = sent(by=lan, customer=customer, kind="nps", reason="hand")
    client.post(survey._links[3])
    Client().post(survey._links[0])
    task = Task.objects.get()
    survey.refresh_from_db()
    assert survey.follow_up == task
    assert (task.customer, task.assignee, task.status, task.actor_kind) == (customer, lan, "open", "system")
    assert "3" in task.title
    local = task.due_at.astimezone(timezone.get_fixed_timezone(7 * 60))
    assert local.hour == 10 and local.weekday() < 5 and task.due_at > timezone.now()


def test_a_passive_opens_no_follow_up(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    client.post(survey._links[7])
    assert not Task.objects.exists()


def test_a_comment_through_an_expired_or_forged_link_records_nothing(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="csat", reason="hand")
    client.post(survey._links[3])
    comment = survey._links[3].rsplit("/", 2)[0] + "/comment/"
    forged = f"/feedback/s/{survey.pk}/not-the-token/comment/"
    assert client.post(forged, {"comment": "x"}).status_code == 404
    Survey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(comment, {"comment": "late"}).status_code == 410
    survey.refresh_from_db()
    assert (survey.comment, survey.score) == ("", 3)


def test_a_customer_cannot_answer_another_customer_survey(sent, somsri, lan, somchai):
    from patron.feedback.services import LinkRefused, survey_answer

    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    juan = make_customer(somchai, "juan")
    with pytest.raises(LinkRefused):
        survey_answer(by=Actor.customer(juan), survey=survey, score=10)
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_survey_to_a_merged_customer_is_not_sent(sent, somchai, lan, thai_shop):
    from patron.duplicates.merging import customer_merge
    from patron.duplicates.tests.factories import an_twice

    survivor, merged = an_twice(somchai)
    customer_merge(survivor=survivor, merged=merged, by=somchai)
    merged.refresh_from_db()
    survey = sent(by=lan, customer=merged, kind="nps", reason="hand")
    assert (survey.status, survey.skip_reason) == ("skipped", "merged")


def test_links_sent_without_a_request_start_with_the_base_url(sent, somsri, lan, settings):
    settings.PATRON_BASE_URL = "https://crm.example.co.th"
    survey = sent(by=lan, customer=somsri, kind="csat", reason="order", root_url=None)
    links = re.findall(r"^\d: (\S+)$", survey._body, re.M)
    assert len(links) == 5 and all(link.startswith("https://crm.example.co.th/feedback/s/") for link in links)


def test_the_answer_and_its_comment_are_in_the_customer_s_contact_history(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="csat", reason="hand")
    client.post(survey._links[2])
    Client().post(survey._links[5])  # another browser: changes nothing, logs nothing
    client.post(survey._links[2].rsplit("/", 2)[0] + "/comment/", {"comment": "ส่งของช้า"})
    history = [
        (i.channel, i.direction, i.subject, i.body, i.staff_id)
        for i in Interaction.objects.filter(customer=somsri).order_by("id")
    ]
    # In the workspace's language (a Thai shop), for the staff who read the history.
    assert history == [
        ("web", "inbound", "ตอบ CSAT: 2 จาก 5 (ไม่พอใจ)", "", None),
        ("web", "inbound", "ความเห็นต่อแบบสำรวจ CSAT", "ส่งของช้า", None),
    ]
