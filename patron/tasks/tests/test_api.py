"""/api/tasks through the HTTP API: Emre, the Turkish service agent, books his calls."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.interactions.models import Interaction
from patron.organisations.services import organisation_create
from patron.tasks.models import Reminder, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, emre, thai_shop):
    return with_token(client, emre)


@pytest.fixture
def sukru(somchai, thai_shop):
    return make_customer(somchai, "sukru_isik")


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


def post(api, path, body):
    return api.post(path, body, content_type="application/json")


def patch(api, path, body):
    return api.patch(path, body, content_type="application/json")


def a_task(api, party, **changes):
    body = {
        "customer": party.pk,
        "title": "Kargo hakkında geri ara",
        "due_at": "2030-05-01T10:00:00+03:00",
        "assignee": "emre",
        "remind_before_minutes": [15, 60],
        **changes,
    }
    return post(api, "/api/tasks", body)


def errors(response):
    assert response.status_code == 422, response.content
    return {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}


def test_create_answers_201_with_the_task_in_utc(api, sukru):
    response = a_task(api, sukru)
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["id"] == Task.objects.get().pk
    assert (task["customer"], task["assignee"], task["created_by"]) == (sukru.pk, "emre", "emre")
    assert (task["status"], task["state"], task["kind"]) == ("open", "open", "other")
    # +03:00 is stored and answered as the same instant in UTC.
    assert task["due_at"] == "2030-05-01T07:00:00Z"
    assert Task.objects.get().due_at == datetime(2030, 5, 1, 7, 0, tzinfo=UTC)
    assert task["remind_before_minutes"] == [15, 60]
    assert [r["fire_at"] for r in task["reminders"]] == ["2030-05-01T06:45:00Z", "2030-05-01T06:00:00Z"]
    assert all(r["sent_at"] is None for r in task["reminders"])


def test_create_on_an_organisation(api, somchai):
    agency = organisation_create(by=somchai, name="Anatolia Media", kind="agency", country="TR")
    response = post(
        api,
        "/api/tasks",
        {
            "organisation": agency.pk,
            "title": "Visit",
            "kind": "visit",
            "due_at": "2030-01-01T09:00:00Z",
            "assignee": "emre",
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["organisation"], response.json()["customer"]) == (agency.pk, None)


@pytest.mark.parametrize(
    ("changes", "loc", "words"),
    [
        ({"due_at": "2030-05-01T10:00:00"}, ("body", "payload", "due_at"), "offset"),
        ({"due_at": None}, ("body", "payload", "due_at"), "due"),
        ({"assignee": "nobody"}, ("body", "payload", "assignee"), "nobody"),
        ({"remind_before_minutes": [15, -5]}, ("body", "payload", "remind_before_minutes", 1), "0 or more"),
        ({"remind_before_minutes": [15, 15]}, ("body", "payload", "remind_before_minutes", 1), "once"),
        ({"remind_before_minutes": [50000]}, ("body", "payload", "remind_before_minutes", 0), "four weeks"),
        ({"title": "  "}, ("body", "payload", "title"), "title"),
        ({"title": "x" * 201}, ("body", "payload", "title"), "200"),
        ({"customer": None}, ("body", "payload", "customer"), "customer"),
    ],
)
def test_bad_input_is_422_at_its_field(api, sukru, changes, loc, words):
    said = errors(a_task(api, sukru, **changes))
    assert loc in said, said
    assert words in said[loc]
    assert not Task.objects.exists()


def test_an_assignee_whose_account_is_closed_is_refused(api, sukru, lan):
    lan.is_active = False
    lan.save()
    assert ("body", "payload", "assignee") in errors(a_task(api, sukru, assignee="lan"))


def test_unknown_customer_is_404(api, sukru):
    response = a_task(api, sukru, customer=sukru.pk + 1000)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such customer."}


def test_a_role_without_the_permission_gets_403(client, maria, sukru, api):
    created = a_task(api, sukru).json()
    analyst = with_token(client, maria)
    assert a_task(analyst, sukru).status_code == 403
    assert patch(analyst, f"/api/tasks/{created['id']}", {"title": "x"}).status_code == 403
    assert post(analyst, f"/api/tasks/{created['id']}/complete", {}).status_code == 403
    # Reading is every role's.
    assert analyst.get(f"/api/tasks/{created['id']}").status_code == 200
    assert Task.objects.get().status == "open"


def test_get_one_and_404(api, sukru):
    created = a_task(api, sukru).json()
    assert api.get(f"/api/tasks/{created['id']}").json() == created
    assert api.get(f"/api/tasks/{created['id'] + 1}").status_code == 404


def test_patch_moves_unsent_reminders_with_the_due_time(api, sukru):
    created = a_task(api, sukru).json()
    Reminder.objects.filter(minutes_before=60).update(sent_at=timezone.now())
    response = patch(api, f"/api/tasks/{created['id']}", {"due_at": "2030-05-02T12:00:00+07:00"})
    assert response.status_code == 200, response.content
    fire = {r["minutes_before"]: r["fire_at"] for r in response.json()["reminders"]}
    # The unsent one moved with the due time; the one already sent stays as it went.
    assert fire == {15: "2030-05-02T04:45:00Z", 60: "2030-05-01T06:00:00Z"}
    assert response.json()["due_at"] == "2030-05-02T05:00:00Z"


def test_patch_replaces_unsent_reminders_and_keeps_sent_ones(api, sukru):
    created = a_task(api, sukru).json()
    Reminder.objects.filter(minutes_before=60).update(sent_at=timezone.now())
    response = patch(
        api, f"/api/tasks/{created['id']}", {"remind_before_minutes": [30], "assignee": "somchai"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["remind_before_minutes"] == [30, 60]
    assert response.json()["assignee"] == "somchai"


def test_patch_bad_input_is_422(api, sukru):
    created = a_task(api, sukru).json()
    said = errors(patch(api, f"/api/tasks/{created['id']}", {"assignee": "nobody", "colour": "red"}))
    assert ("body", "payload", "colour") in said
    said = errors(patch(api, f"/api/tasks/{created['id']}", {"remind_before_minutes": [-1]}))
    assert ("body", "payload", "remind_before_minutes", 0) in said


def test_complete_leaves_unsent_reminders_never_to_be_sent(api, sukru):
    created = a_task(api, sukru).json()
    Reminder.objects.filter(minutes_before=60).update(sent_at=timezone.now())
    response = post(api, f"/api/tasks/{created['id']}/complete", {})
    assert response.status_code == 200, response.content
    task = response.json()
    assert (task["status"], task["state"]) == ("done", "done")
    assert task["completed_at"] is not None
    # Only the reminder already sent remains; nothing is left to send.
    assert list(Reminder.objects.values_list("minutes_before", flat=True)) == [60]
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    # Again: harmless, nothing changes.
    again = post(api, f"/api/tasks/{created['id']}/complete", {})
    assert again.status_code == 200
    assert again.json()["completed_at"] == task["completed_at"]
    # A closed task keeps its time and reminders.
    said = errors(patch(api, f"/api/tasks/{created['id']}", {"due_at": "2031-01-01T00:00:00Z"}))
    assert ("body", "payload", "due_at") in said


def test_complete_can_log_an_interaction_in_one_step(api, sukru):
    created = a_task(api, sukru).json()
    body = {"interaction": {"channel": "phone", "direction": "outbound", "body": "Kargo yarın gelir."}}
    response = post(api, f"/api/tasks/{created['id']}/complete", body)
    assert response.status_code == 200, response.content
    interaction = Interaction.objects.get()
    assert response.json()["interaction"] == interaction.pk
    assert (interaction.customer, interaction.subject, interaction.channel) == (
        sukru,
        "Kargo hakkında geri ara",
        "phone",
    )


def test_complete_with_a_bad_interaction_changes_nothing(api, sukru):
    created = a_task(api, sukru).json()
    body = {"interaction": {"channel": "phone", "direction": "outbound", "subject": "x" * 201}}
    response = post(api, f"/api/tasks/{created['id']}/complete", body)
    assert response.status_code == 422
    assert Task.objects.get().status == "open"
    assert Reminder.objects.count() == 2
    assert not Interaction.objects.exists()


def test_snooze_moves_the_due_time_and_reminders(api, sukru):
    created = a_task(api, sukru, due_at="2020-01-01T00:00:00Z", remind_before_minutes=[10]).json()
    assert created["state"] == "overdue"
    until = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    response = post(api, f"/api/tasks/{created['id']}/snooze", {"until": until.isoformat()})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "snoozed"
    assert Reminder.objects.get().fire_at == until - timedelta(minutes=10)
    said = errors(post(api, f"/api/tasks/{created['id']}/snooze", {"until": "2020-01-01T00:00:00Z"}))
    assert ("body", "payload", "until") in said


def test_list_filters_and_pages(api, sukru, juan, somchai):
    ids = [
        a_task(api, sukru, due_at="2030-01-01T00:00:00Z").json()["id"],
        a_task(api, juan, due_at="2030-02-01T00:00:00Z", assignee="somchai").json()["id"],
        a_task(api, sukru, due_at="2030-03-01T00:00:00Z").json()["id"],
    ]
    post(api, f"/api/tasks/{ids[2]}/complete", {})

    def listed(query):
        response = api.get("/api/tasks", query)
        assert response.status_code == 200, response.content
        return [t["id"] for t in response.json()["items"]]

    assert listed({}) == ids[::-1]
    assert listed({"assignee": "emre"}) == [ids[2], ids[0]]
    assert listed({"customer": juan.pk}) == [ids[1]]
    assert listed({"status": "done"}) == [ids[2]]
    assert listed({"status": "open", "customer": sukru.pk}) == [ids[0]]
    assert listed({"due_before": "2030-02-01T07:00:00+07:00"}) == [ids[0]]
    assert listed({"due_after": "2030-02-01T00:00:00Z"}) == [ids[2], ids[1]]
    first = api.get("/api/tasks", {"limit": 2}).json()
    assert [t["id"] for t in first["items"]] == [ids[2], ids[1]]
    second = api.get("/api/tasks", {"limit": 2, "cursor": first["next"]}).json()
    assert ([t["id"] for t in second["items"]], second["next"]) == ([ids[0]], None)


def test_list_refuses_bad_filters(api):
    assert ("query", "assignee") in errors(api.get("/api/tasks", {"assignee": "nobody"}))
    assert ("query", "status") in errors(api.get("/api/tasks", {"status": "overdue-ish"}))
    assert ("query", "due_before") in errors(api.get("/api/tasks", {"due_before": "2030-01-01"}))
    assert ("query", "colour") in errors(api.get("/api/tasks", {"colour": "red"}))


def test_complete_without_a_body(api, sukru):
    created = a_task(api, sukru).json()
    response = api.generic("POST", f"/api/tasks/{created['id']}/complete")  # as curl -X POST sends it
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"


def test_cancel_leaves_unsent_reminders_never_to_be_sent(api, sukru):
    created = a_task(api, sukru).json()
    Reminder.objects.filter(minutes_before=60).update(sent_at=timezone.now())
    response = post(api, f"/api/tasks/{created['id']}/cancel", {})
    assert response.status_code == 200, response.content
    task = response.json()
    assert (task["status"], task["state"], task["completed_at"]) == ("cancelled", "cancelled", None)
    assert list(Reminder.objects.values_list("minutes_before", flat=True)) == [60]
    # Again: harmless.
    again = api.post(f"/api/tasks/{created['id']}/cancel")
    assert (again.status_code, again.json()["status"]) == (200, "cancelled")
    # A cancelled task cannot be completed.
    assert ("body", "payload", "status") in errors(post(api, f"/api/tasks/{created['id']}/complete", {}))


def test_a_done_task_cannot_be_cancelled(api, sukru):
    created = a_task(api, sukru).json()
    post(api, f"/api/tasks/{created['id']}/complete", {})
    said = errors(post(api, f"/api/tasks/{created['id']}/cancel", {}))
    assert said[("body", "payload", "status")] == "This task is done: it cannot be cancelled."
    assert Task.objects.get().status == "done"


def test_cancel_an_unknown_task_is_404_and_needs_the_permission(client, maria, api, sukru):
    assert post(api, "/api/tasks/999999/cancel", {}).status_code == 404
    created = a_task(api, sukru).json()
    response = post(with_token(client, maria), f"/api/tasks/{created['id']}/cancel", {})
    assert response.status_code == 403
    assert Task.objects.get().status == "open"
