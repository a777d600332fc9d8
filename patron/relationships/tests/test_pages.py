"""The level panel on the customer page, an organisation's level page and the playbooks page."""

import pytest

from patron.accounts.services import profile_update
from patron.customers.tests.factories import make_customer
from patron.organisations.services import organisation_create
from patron.relationships.models import CustomerLevel, Level, LevelChange, PlaybookEdit, Step
from patron.relationships.services import level_set
from patron.relationships.tests.helpers import bought

pytestmark = pytest.mark.django_db


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


def page(client, user, path):
    """The page at ``path`` as ``user`` reads it, in English (the cast read their own languages)."""
    profile_update(user=user, language="en")
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_customer_page_says_there_is_no_level_yet(client, emre, juan):
    html = page(client, emre, f"/customers/{juan.pk}/")
    assert "Relationship level" in html and "No level yet." in html
    assert f'action="/relationships/customer/{juan.pk}/level/"' in html


def test_the_panel_shows_the_level_who_set_it_why_and_the_history(client, somchai, lan, juan):
    level_set(by=somchai, customer=juan, level=Level.BASIC, reason="Unang bili")
    level_set(by=lan, customer=juan, level=Level.REACTIVE, reason="Sumagot sa survey")
    html = page(client, somchai, f"/customers/{juan.pk}/")
    assert "Reactive" in html and "Sumagot sa survey" in html and "lan (staff)" in html
    assert "Level history" in html and "Unang bili" in html


def test_staff_set_the_level_from_the_panel(client, emre, juan):
    client.force_login(emre)
    response = client.post(
        f"/relationships/customer/{juan.pk}/level/", {"level": "accountable", "reason": "Follow-up done"}
    )
    assert response.status_code == 302 and response.url == f"/customers/{juan.pk}/"
    change = LevelChange.objects.get()
    assert (change.level, change.set_by, change.reason) == ("accountable", emre, "Follow-up done")


def test_the_suggestion_is_accepted_in_one_click(client, somchai, emre, juan):
    bought(somchai, juan, days_ago=3)
    html = page(client, emre, f"/customers/{juan.pk}/")
    assert "The evidence suggests: <strong>Basic</strong>." in html and "Bought once." in html
    client.post(f"/relationships/customer/{juan.pk}/accept/")
    change = LevelChange.objects.get()
    assert (change.level, change.set_by, change.suggested, change.reason) == (
        "basic",
        emre,
        True,
        "Bought once.",
    )


def test_an_analyst_sees_the_level_but_no_form_and_cannot_post(client, somchai, maria, juan):
    bought(somchai, juan, days_ago=3)
    html = page(client, maria, f"/customers/{juan.pk}/")
    assert "No level yet." in html and "/level/" not in html and "/accept/" not in html
    assert (
        client.post(
            f"/relationships/customer/{juan.pk}/level/", {"level": "basic", "reason": "x"}
        ).status_code
        == 403
    )
    assert client.post(f"/relationships/customer/{juan.pk}/accept/").status_code == 403
    assert not CustomerLevel.objects.exists()


def test_the_organisation_page_has_the_level_panel(client, somchai, lan, thai_shop):
    supplier = organisation_create(by=somchai, name="Cebu Rattan", kind="supplier")
    html = page(client, lan, f"/organisations/{supplier.pk}/")
    assert "Relationship level" in html and "No level yet." in html
    response = client.post(
        f"/relationships/organisation/{supplier.pk}/level/", {"level": "partnership", "reason": "Matagal na"}
    )
    assert response.url == f"/organisations/{supplier.pk}/"
    assert "Matagal na" in page(client, lan, f"/organisations/{supplier.pk}/")


def test_an_organisations_level_page(client, somchai, lan, thai_shop):
    supplier = organisation_create(by=somchai, name="Hà Nội Ceramics", kind="supplier")
    html = page(client, lan, f"/relationships/organisations/{supplier.pk}/")
    assert "Hà Nội Ceramics" in html and "No level yet." in html
    client.post(
        f"/relationships/organisation/{supplier.pk}/level/",
        {"level": "partnership", "reason": "Đối tác lâu năm"},
    )
    assert LevelChange.objects.get().organisation == supplier
    assert (
        client.post(
            f"/relationships/elsewhere/{supplier.pk}/level/", {"level": "basic", "reason": "x"}
        ).status_code
        == 404
    )


def test_the_playbooks_page_shows_each_level_and_an_admin_edits_it(client, somchai):
    html = page(client, somchai, "/relationships/playbooks/")
    for label in Level.labels:
        assert str(label) in html
    assert "7 days after each order: a survey (CSAT)" in html
    assert "every quarter: a task (Meeting) for the owner: Quarterly review meeting" in html
    response = client.post(
        "/relationships/playbooks/",
        {
            "level": "basic",
            "trigger": "after_order",
            "days": "1",
            "action": "task",
            "task_kind": "call",
            "title": "Cảm ơn khách",
            "reminders": "30, 60",
        },
    )
    assert response.status_code == 302, response.content.decode()
    step = Step.objects.get(title="Cảm ơn khách")
    assert step.remind_before_minutes == [30, 60] and step.updated_by == somchai
    edit = page(client, somchai, f"/relationships/playbooks/steps/{step.pk}/")
    assert 'value="30, 60"' in edit
    client.post(
        f"/relationships/playbooks/steps/{step.pk}/",
        {
            "trigger": "after_order",
            "days": "2",
            "action": "task",
            "task_kind": "call",
            "title": "Cảm ơn khách",
            "reminders": "",
        },
    )
    client.post(f"/relationships/playbooks/steps/{step.pk}/switch/", {"active": "0"})
    step.refresh_from_db()
    assert (step.days, step.remind_before_minutes, step.active) == (2, [], False)
    assert PlaybookEdit.objects.filter(by=somchai).count() == 3
    assert "Switched off" in page(client, somchai, "/relationships/playbooks/")


def test_a_step_missing_its_title_is_shown_again_with_the_error(client, somchai):
    profile_update(user=somchai, language="en")
    client.force_login(somchai)
    response = client.post(
        "/relationships/playbooks/",
        {"level": "basic", "trigger": "after_order", "days": "1", "action": "task", "task_kind": "call"},
    )
    assert response.status_code == 200
    assert "Give the task a title" in response.content.decode()
    assert not PlaybookEdit.objects.exists()


@pytest.mark.parametrize("user", ["lan", "emre", "maria"])
def test_others_read_the_playbooks_but_do_not_edit_them(client, staff, user):
    html = page(client, staff(user), "/relationships/playbooks/")
    assert "Add a step" not in html and "Switch off" not in html
    response = client.post(
        "/relationships/playbooks/",
        {"level": "basic", "trigger": "after_order", "days": "1", "action": "survey", "survey_kind": "nps"},
    )
    assert response.status_code == 403
    step = Step.objects.first()
    assert client.get(f"/relationships/playbooks/steps/{step.pk}/").status_code == 403
    assert (
        client.post(f"/relationships/playbooks/steps/{step.pk}/switch/", {"active": "0"}).status_code == 403
    )


def test_the_panel_reads_a_few_indexed_queries(rf, somchai, juan, django_assert_max_num_queries):
    """The customer page's budget: the level, its history, the playbooks' last steps and the
    suggestion from evidence, whatever the customer holds (the worst case reads every rule down
    to basic)."""
    from patron.relationships.views import level_context

    bought(somchai, juan, days_ago=3)
    level_set(by=somchai, customer=juan, level=Level.BASIC, reason="Unang bili")
    request = rf.get("/")
    request.user = somchai
    with django_assert_max_num_queries(11):
        context = level_context(request, customer=juan)
        list(context["level_history"])


def test_the_panel_says_what_the_playbooks_did(client, somchai, emre, juan):
    from datetime import timedelta

    from patron.actors import Actor
    from patron.relationships.runner import playbooks_run

    juan.owner = emre
    juan.save(update_fields=["owner"])
    level_set(by=somchai, customer=juan, level=Level.ACCOUNTABLE, reason="Bought a service plan")
    order = bought(somchai, juan, sku="AC-9", category="Service plan")
    playbooks_run(by=Actor.system(job="playbooks_run"), now=order.placed_at + timedelta(days=30))
    html = page(client, emre, f"/customers/{juan.pk}/")
    assert "Done by the playbooks" in html
    assert "Accountable: 30 days after an order of a product in “service plan”" in html
    assert "task made" in html
