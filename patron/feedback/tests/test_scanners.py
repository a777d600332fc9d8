"""Mail scanners open every link of an e-mail (GET, HEAD), often before the person reads it:
nothing is recorded until the link's page posts its form. The person who answered may correct
the score from the same browser for a few minutes, before a comment; nobody else can."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from patron.feedback.events import feedback_recorded
from patron.feedback.models import Survey
from patron.feedback.services import CORRECTION_MINUTES
from patron.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_a_scanner_opening_every_link_records_nothing(sent, somsri, lan, django_capture_on_commit_callbacks):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    told = []

    def receiver(sender, customer_ids, **kwargs):
        told.append(customer_ids)

    scanner = Client()
    feedback_recorded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for score, link in sorted(survey._links.items()):
                assert scanner.head(link).status_code == 200
                response = scanner.get(link)
                assert response.status_code == 200 and "Set-Cookie" not in response.headers
                assert f"คุณเลือก {score} จาก 10" in response.content.decode()
    finally:
        feedback_recorded.disconnect(receiver)
    survey.refresh_from_db()
    assert (survey.answered_at, survey.score, survey.follow_up) == (None, None, None)
    assert not Task.objects.exists() and told == []
    person = Client()
    assert person.post(survey._links[9]).status_code == 200
    survey.refresh_from_db()
    assert (survey.score, survey.band, survey.answer_actor_kind) == (9, "promoter", "customer")
    # The scanner, opening the links again later, still changes nothing.
    for link in survey._links.values():
        scanner.get(link)
    survey.refresh_from_db()
    assert survey.score == 9 and not Task.objects.exists()


def test_the_link_page_sends_the_score_by_a_form_and_a_script_of_patron(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="csat", reason="hand")
    response = client.get(survey._links[4])
    page = response.content.decode()
    assert 'lang="th"' in page and "คุณเลือก 4 จาก 5" in page
    assert '<form method="post" id="answer-form">' in page and '<button type="submit">' in page
    assert 'src="/static/feedback/answer.js"' in page and "<script>" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_person_may_correct_a_mis_tap_from_the_same_browser(sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    person = Client()
    person.post(survey._links[3])
    first = Task.objects.get()
    answered_at = Survey.objects.get().answered_at
    # The link's page in the same browser offers the new score rather than "answered already".
    assert "คุณเลือก 9 จาก 10" in person.get(survey._links[9]).content.decode()
    response = person.post(survey._links[9])
    assert "คุณให้คะแนน 9 จาก 10" in response.content.decode()
    survey.refresh_from_db()
    first.refresh_from_db()
    assert (survey.score, survey.band, survey.answered_at) == (9, "promoter", answered_at)
    assert first.status == "cancelled" and survey.follow_up == first
    person.post(survey._links[0])
    survey.refresh_from_db()
    assert (survey.score, survey.band) == (0, "detractor")
    assert survey.follow_up != first and survey.follow_up.status == "open"
    assert Task.objects.filter(status="open").count() == 1


def test_a_detractor_corrected_to_another_detractor_keeps_one_retitled_task(sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    person = Client()
    person.post(survey._links[3])
    person.post(survey._links[0])
    task = Task.objects.get()
    # The title is in the assignee's language (Thai here).
    assert task.status == "open" and "0 จาก 10" in task.title and "3 จาก 10" not in task.title


def test_no_correction_from_elsewhere_after_a_comment_or_too_late(sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="csat", reason="hand")
    person = Client()
    person.post(survey._links[4])
    other = Client()
    assert "คุณตอบแบบสำรวจนี้ไปแล้ว" in other.get(survey._links[1]).content.decode()
    other.post(survey._links[1])
    forged = Client()
    forged.cookies[f"patron_survey_{survey.pk}"] = f"{survey.pk}:forged"
    forged.post(survey._links[1])
    survey.refresh_from_db()
    assert survey.score == 4
    late = timezone.now() - timedelta(minutes=CORRECTION_MINUTES, seconds=1)
    Survey.objects.update(answered_at=late)
    person.post(survey._links[2])
    survey.refresh_from_db()
    assert survey.score == 4
    Survey.objects.update(answered_at=timezone.now())
    comment = survey._links[4].rsplit("/", 2)[0] + "/comment/"
    person.post(comment, {"comment": "ok"})
    response = person.post(survey._links[2])
    assert "คุณตอบแบบสำรวจนี้ไปแล้ว" in response.content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "ok")


def test_the_thanks_page_says_how_to_correct(client, sent, somsri, lan):
    survey = sent(by=lan, customer=somsri, kind="nps", reason="hand")
    response = client.post(survey._links[8])
    assert 'id="correct-hint"' in response.content.decode()
    cookie = response.cookies[f"patron_survey_{survey.pk}"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == survey._links[8].rsplit("/", 2)[0] + "/"
    assert int(cookie["max-age"]) == CORRECTION_MINUTES * 60
