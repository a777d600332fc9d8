"""Surveys and feedback as the customer's data: declared in the registry, moved by a merge,
deleted by an erasure, in the copy; the customer filter of the last answer; the ladder's
evidence."""

import pytest

from patron.conftest import with_token
from patron.customers import registry
from patron.customers.erasure import customer_erase
from patron.customers.registry import OnErase, OnMerge
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.duplicates.tests.factories import an_twice
from patron.feedback.evidence import positive_answers
from patron.feedback.models import Feedback, FeedbackCategory, Survey
from patron.feedback.services import feedback_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return FeedbackCategory.objects.get(code="product")


def test_surveys_and_feedback_are_declared():
    holdings = {h.model: h for h in registry.holdings()}
    assert (holdings[Survey].merge, holdings[Survey].erase) == (OnMerge.MOVE, OnErase.DELETE)
    assert set(holdings[Survey].customer_fields) == {"customer", "actor_customer", "answer_actor_customer"}
    assert (holdings[Feedback].merge, holdings[Feedback].erase) == (OnMerge.MOVE, OnErase.DELETE)


def test_a_merge_moves_surveys_and_feedback(somchai, thai_shop, answered, product):
    survivor, merged = an_twice(somchai)
    survey = answered(merged, "nps", 10, by=somchai)
    item = feedback_record(by=somchai, customer=merged, kind="compliment", category=product, text="Ngon")
    customer_merge(survivor=survivor, merged=merged, by=somchai)
    survey.refresh_from_db()
    item.refresh_from_db()
    assert (survey.customer_id, item.customer_id) == (survivor.pk, survivor.pk)
    assert survey.answer_actor_customer_id == merged.pk  # who answered stays as it was, as with tasks


def test_an_erasure_deletes_them(somchai, thai_shop, answered, product):
    somsri = make_customer(somchai, "somsri")
    answered(somsri, "csat", 5, by=somchai)
    feedback_record(by=somchai, customer=somsri, kind="complaint", category=product, text="ของแตก")
    customer_erase(customer=somsri, reason="Asked by phone", by=somchai)
    assert not Survey.objects.exists() and not Feedback.objects.exists()


def test_the_copy_holds_them(client, somchai, thai_shop, answered, product):
    juan = make_customer(somchai, "juan")
    answered(juan, "nps", 7, by=somchai)
    feedback_record(by=somchai, customer=juan, kind="idea", category=product, text="Mas maliit na pakete")
    document = with_token(client, somchai).get(f"/api/customers/{juan.pk}/export").json()
    assert [row["score"] for row in document["data"]["surveys"]] == [7]
    assert [row["text"] for row in document["data"]["feedback"]] == ["Mas maliit na pakete"]


def test_the_filter_reads_the_last_answer(client, somchai, thai_shop, answered):
    an, sukru, somsri, juan = (
        make_customer(somchai, key) for key in ["nguyen_van_an", "sukru_isik", "somsri", "juan"]
    )
    answered(an, "nps", 3, by=somchai)
    answered(an, "nps", 10, by=somchai)  # the last answer counts
    answered(sukru, "nps", 8, by=somchai)
    answered(somsri, "csat", 2, by=somchai)
    api = with_token(client, somchai)

    def listed(value):
        response = api.get("/api/customers", {"survey": value})
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert listed("promoter") == {an.pk}
    assert listed("detractor") == set()
    assert listed("passive") == {sukru.pk}
    assert listed("unsatisfied") == {somsri.pk}
    assert listed("none") == {juan.pk}
    assert api.get("/api/customers", {"survey": "happy"}).status_code == 422


def test_positive_answers_and_feedback_are_the_ladder_evidence(somchai, thai_shop, answered, product):
    from patron.ladder.evidence import sources

    an, somsri = make_customer(somchai, "nguyen_van_an"), make_customer(somchai, "somsri")
    promoter = answered(an, "nps", 9, by=somchai)
    answered(somsri, "csat", 3, by=somchai)
    assert list(positive_answers()) == [{"customer_id": an.pk, "at": promoter.answered_at}]
    review = feedback_record(
        by=somchai, customer=somsri, kind="review", category=product, link="https://example.com/r/1"
    )
    registered = {source.name: source for source in sources()}
    assert {"feedback.positive_answers", "feedback.compliments", "feedback.reviews", "feedback.ideas"} <= set(
        registered
    )
    assert list(registered["feedback.reviews"].rows()) == [
        {"customer_id": somsri.pk, "at": review.occurred_at}
    ]
    assert registered["feedback.positive_answers"].code == "survey_positive"


def test_the_list_page_filters_by_the_last_answer(client, somchai, thai_shop, answered):
    an = make_customer(somchai, "nguyen_van_an")
    make_customer(somchai, "juan")  # never answered: not listed
    answered(an, "csat", 3, by=somchai)
    client.force_login(somchai)
    page = client.get("/customers/", {"survey": "neutral"})
    assert page.status_code == 200
    assert [c.pk for c in page.context["page"].items] == [an.pk]
    assert "คำตอบแบบสำรวจล่าสุด" in page.content.decode()  # the filter's label, in somchai's Thai
