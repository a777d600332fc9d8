"""/api/feedback: sending a survey, reading surveys, recording an answer given by phone, and
feedback with its category."""

import pytest

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.feedback.models import Feedback, FeedbackCategory, Survey
from patron.tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def api(client, emre):
    return with_token(client, emre)


def post(api, path, body):
    return api.post(path, body, content_type="application/json")


def test_send_a_survey(api, somsri, emre):
    response = post(api, "/api/feedback/surveys", {"customer": somsri.pk, "kind": "nps"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["reason"], body["email"], body["language"]) == (
        "sent",
        "hand",
        somsri.email_points[0].value,
        "th",
    )
    assert Survey.objects.get().sent_by == emre


def test_a_survey_not_sent_says_why(api, somchai, thai_shop):
    customer = make_customer(somchai, display_name="Walk-in", country="TH")
    body = post(api, "/api/feedback/surveys", {"customer": customer.pk, "kind": "csat"}).json()
    assert (body["status"], body["skip_reason"]) == ("skipped", "no_email")
    assert body["skip_reason_text"]


def test_an_unknown_kind_or_customer_is_refused(api, somsri):
    assert post(api, "/api/feedback/surveys", {"customer": somsri.pk, "kind": "ces"}).status_code == 422
    assert post(api, "/api/feedback/surveys", {"customer": 999999, "kind": "nps"}).status_code == 404
    assert not Survey.objects.exists()


def test_the_analyst_reads_but_may_not_send(client, maria, somsri, answered, somchai):
    answered(somsri, "nps", 9, by=somchai)
    api = with_token(client, maria)
    assert post(api, "/api/feedback/surveys", {"customer": somsri.pk, "kind": "nps"}).status_code == 403
    items = api.get("/api/feedback/surveys", {"customer": somsri.pk, "answered": "true"}).json()["items"]
    assert [(item["score"], item["band"], item["answered_by"]) for item in items] == [
        (9, "promoter", "customer")
    ]


def test_an_answer_by_phone_counts_once(api, somsri, emre, somchai):
    survey_id = post(api, "/api/feedback/surveys", {"customer": somsri.pk, "kind": "nps"}).json()["id"]
    response = post(api, f"/api/feedback/surveys/{survey_id}/answer", {"score": 5, "comment": "ช้า"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["score"], body["band"], body["answered_by"], body["comment"]) == (
        5,
        "detractor",
        "staff",
        "ช้า",
    )
    assert body["follow_up"] == Task.objects.get().pk
    again = post(api, f"/api/feedback/surveys/{survey_id}/answer", {"score": 10})
    assert again.status_code == 409 and again.json()["score"] == 5
    assert Task.objects.count() == 1


def test_a_score_off_the_scale_is_refused(api, somsri):
    survey_id = post(api, "/api/feedback/surveys", {"customer": somsri.pk, "kind": "csat"}).json()["id"]
    response = post(api, f"/api/feedback/surveys/{survey_id}/answer", {"score": 0})
    assert response.status_code == 422
    assert Survey.objects.get().answered_at is None


def test_record_and_list_feedback(api, somsri):
    categories = api.get("/api/feedback/categories").json()
    assert [c["code"] for c in categories] == ["product", "service", "delivery", "price", "staff"]
    service = categories[1]["id"]
    response = post(
        api,
        "/api/feedback/feedback",
        {"customer": somsri.pk, "kind": "compliment", "category": service, "text": "พนักงานสุภาพมาก"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["category_name"] == "Service"
    assert not Task.objects.exists()  # only a complaint asks for a follow-up
    items = api.get("/api/feedback/feedback", {"customer": somsri.pk, "kind": "compliment"}).json()["items"]
    assert [item["text"] for item in items] == ["พนักงานสุภาพมาก"]


def test_feedback_in_a_category_out_of_use_is_refused(api, somsri):
    price = FeedbackCategory.objects.get(code="price")
    price.is_active = False
    price.save()
    response = post(
        api,
        "/api/feedback/feedback",
        {"customer": somsri.pk, "kind": "concern", "category": price.pk, "text": "แพง"},
    )
    assert response.status_code == 422
    assert not Feedback.objects.exists()


def test_a_complaint_by_api_opens_a_follow_up(api, somsri):
    delivery = FeedbackCategory.objects.get(code="delivery").pk
    body = post(
        api,
        "/api/feedback/feedback",
        {"customer": somsri.pk, "kind": "complaint", "category": delivery, "text": "กล่องบุบ"},
    ).json()
    assert body["follow_up"] == Task.objects.get().pk
