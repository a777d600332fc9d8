"""The level the evidence suggests, its reason in words, and accepting it in one click."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.customers.tests.factories import make_customer
from patron.interactions.services import interaction_log
from patron.organisations.services import organisation_create
from patron.relationships.models import CustomerLevel, Level, LevelChange
from patron.relationships.services import level_set, suggestion_accept
from patron.relationships.suggestions import suggest
from patron.relationships.tests.helpers import bought
from patron.scoring.models import CustomerScore
from patron.scoring.tests.factories import make_run, make_score
from patron.tasks.services import task_complete, task_create

pytestmark = pytest.mark.django_db


def contact(by, direction, days_ago=1, **party):
    return interaction_log(
        by=by,
        channel="phone",
        direction=direction,
        subject="Call",
        occurred_at=timezone.now() - timedelta(days=days_ago),
        **party,
    )


def done_task(by, customer, kind="call"):
    task = task_create(
        by=by, customer=customer, title="Follow up", kind=kind, due_at=timezone.now(), assignee=by
    )
    return task_complete(by=by, task=task)


def test_nothing_is_suggested_before_a_purchase(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    contact(somchai, "inbound", customer=juan)
    assert suggest(customer=juan) is None


def test_a_purchase_suggests_basic(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=3)
    bought(somchai, juan, days_ago=1)
    assert suggest(customer=juan) == suggest(customer=juan)
    suggestion = suggest(customer=juan)
    assert (suggestion.level, suggestion.reason) == (Level.BASIC, "Bought 2 times.")


def test_getting_in_touch_after_a_purchase_suggests_reactive(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=10)
    contact(somchai, "inbound", days_ago=20, customer=juan)  # before the purchase: not an answer
    assert suggest(customer=juan).level == Level.BASIC
    contact(somchai, "inbound", days_ago=2, customer=juan)
    suggestion = suggest(customer=juan)
    assert suggestion.level == Level.REACTIVE
    assert "answered after a purchase" in suggestion.reason


def test_a_follow_up_done_after_a_purchase_suggests_accountable(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=10)
    done_task(somchai, juan)
    assert suggest(customer=juan).level == Level.ACCOUNTABLE


def test_several_contacts_by_staff_and_answers_suggest_proactive(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=100)
    for days in (90, 60, 30):
        contact(somchai, "outbound", days_ago=days, customer=juan)
    assert suggest(customer=juan).level == Level.ACCOUNTABLE  # no answer yet
    contact(somchai, "inbound", days_ago=29, customer=juan)
    suggestion = suggest(customer=juan)
    assert suggestion.level == Level.PROACTIVE
    assert "3 contacts by staff, 1 from the customer, 0 positive answers" in suggestion.reason


def test_a_major_long_customer_met_this_year_suggests_partnership(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=800)
    bought(somchai, juan, days_ago=5)
    done_task(somchai, juan, kind="meeting")
    assert suggest(customer=juan).level == Level.ACCOUNTABLE  # not scored in the top tenth
    CustomerScore.objects.filter(customer=juan).delete()
    make_score(juan, make_run(), value_decile=1)
    assert suggest(customer=juan).level == Level.PARTNERSHIP


def test_accepting_the_suggestion_is_the_staff_members_act_with_its_reason(somchai, emre, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=10)
    contact(somchai, "inbound", days_ago=2, customer=juan)
    change = suggestion_accept(by=emre, customer=juan)
    assert (change.level, change.set_by, change.suggested) == (Level.REACTIVE, emre, True)
    assert change.reason == suggest(customer=juan).reason
    assert CustomerLevel.objects.get(customer=juan).level == Level.REACTIVE
    with pytest.raises(ValidationError):
        suggestion_accept(by=emre, customer=juan)  # the level it has already
    assert LevelChange.objects.count() == 1


def test_the_suggestion_never_changes_a_level_by_itself(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    level_set(by=somchai, customer=juan, level=Level.PROACTIVE, reason="Works with us on the new range")
    bought(somchai, juan, days_ago=1)
    assert suggest(customer=juan).level == Level.BASIC
    assert CustomerLevel.objects.get(customer=juan).level == Level.PROACTIVE


def test_an_organisation_of_a_partner_kind_in_contact_suggests_partnership(somchai, thai_shop):
    supplier = organisation_create(by=somchai, name="Saigon Tea", kind="supplier")
    investor = organisation_create(by=somchai, name="Mekong Capital", kind="investor")
    assert suggest(organisation=supplier) is None
    contact(somchai, "outbound", organisation=supplier)
    contact(somchai, "inbound", organisation=investor)
    assert suggest(organisation=supplier).level == Level.PARTNERSHIP
    assert suggest(organisation=investor).level == Level.REACTIVE


def answered(by, customer, score, kind="nps"):
    from patron.actors import Actor
    from patron.feedback.services import survey_answer, survey_send

    survey = survey_send(by=by, customer=customer, kind=kind, reason="hand")
    return survey_answer(by=Actor.customer(customer), survey=survey, score=score)


def test_any_survey_answer_after_a_purchase_suggests_reactive(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=10)
    answered(somchai, juan, 3)  # a detractor's answer is an answer all the same
    assert suggest(customer=juan).level == Level.REACTIVE


def test_a_complaint_after_a_purchase_suggests_reactive(somchai, thai_shop):
    from patron.feedback.models import FeedbackCategory
    from patron.feedback.services import feedback_record

    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=10)
    category = FeedbackCategory.objects.get(code="product")
    feedback_record(by=somchai, customer=juan, kind="complaint", category=category, text="Sira ang fan")
    assert suggest(customer=juan).level == Level.REACTIVE


def test_contacts_by_staff_and_a_positive_answer_suggest_proactive(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=100)
    for days in (90, 60, 30):
        contact(somchai, "outbound", days_ago=days, customer=juan)
    answered(somchai, juan, 10)
    suggestion = suggest(customer=juan)
    assert suggestion.level == Level.PROACTIVE
    # The answer is in the contact history too: a contact from the customer.
    assert "3 contacts by staff, 1 from the customer, 1 positive answers" in suggestion.reason


def test_a_suggestion_that_changed_since_it_was_seen_is_not_set(somchai, emre, thai_shop):
    juan = make_customer(somchai, "juan")
    bought(somchai, juan, days_ago=10)
    seen = suggest(customer=juan).level  # basic
    contact(somchai, "inbound", days_ago=1, customer=juan)  # meanwhile: reactive
    with pytest.raises(ValidationError) as changed:
        suggestion_accept(by=emre, customer=juan, level=seen)
    assert "now suggests Reactive" in changed.value.message_dict["level"][0]
    assert not LevelChange.objects.exists()
    assert suggestion_accept(by=emre, customer=juan, level=Level.REACTIVE).level == Level.REACTIVE
