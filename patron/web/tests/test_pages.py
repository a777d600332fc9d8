"""Every page against every role: the same rules as the API, because both ask the services."""

import pytest
from django.urls import reverse

from patron.customers.tests.factories import make_customer
from patron.organisations.services import organisation_create

ALL = {"somchai": 200, "lan": 200, "emre": 200, "maria": 200}
EDITORS = {"somchai": 200, "lan": 200, "emre": 200, "maria": 403}
PARTNER_EDITORS = {"somchai": 200, "lan": 200, "emre": 403, "maria": 403}
ADMIN_ONLY = {"somchai": 200, "lan": 403, "emre": 403, "maria": 403}

PAGES = [
    ("customers:list", False, ALL),
    ("customers:detail", "customer", ALL),
    ("customers:create", False, EDITORS),
    ("customers:edit", "customer", EDITORS),
    ("interactions:log", "customer", EDITORS),
    ("organisations:list", False, ALL),
    ("organisations:detail", "organisation", ALL),
    ("organisations:create", False, PARTNER_EDITORS),
    ("organisations:edit", "organisation", PARTNER_EDITORS),
    ("workspace:settings", False, ADMIN_ONLY),
    ("accounts:settings", False, ALL),
]


@pytest.fixture
def world(somchai, thai_shop):
    return {
        "customer": make_customer(somchai, "somsri"),
        "organisation": organisation_create(by=somchai, name="Siam Distribution", kind="distributor"),
    }


def url_for(name, target, world):
    return reverse(name, args=[world[target].pk]) if target else reverse(name)


@pytest.mark.parametrize("username", ["somchai", "lan", "emre", "maria"])
@pytest.mark.parametrize(("name", "target", "expected"), PAGES)
def test_page_answers_each_role_as_its_permissions_say(
    client, staff, world, username, name, target, expected
):
    client.force_login(staff(username))
    response = client.get(url_for(name, target, world))
    assert response.status_code == expected[username]


@pytest.mark.parametrize(("name", "target", "expected"), PAGES)
def test_anonymous_visitor_is_sent_to_log_in(client, world, name, target, expected):
    response = client.get(url_for(name, target, world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("username", "allowed"), [("somchai", True), ("lan", False), ("maria", False)])
def test_django_admin_is_for_admins_only(client, staff, username, allowed):
    client.force_login(staff(username))
    response = client.get("/admin/")
    assert (response.status_code == 200) is allowed


@pytest.mark.parametrize(("username", "status"), [("emre", 302), ("maria", 403)])
def test_recording_consent_needs_the_permission(client, staff, world, username, status):
    client.force_login(staff(username))
    response = client.post(
        reverse("customers:consent", args=[world["customer"].pk]),
        {"channel": "email", "purpose": "marketing", "granted": "yes", "source": "counter"},
    )
    assert response.status_code == status
    assert world["customer"].consent_events.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/customers/customer/",
        "/admin/customers/auditevent/",
        "/admin/sales/order/",
        "/admin/workspace/exchangerate/",
        "/admin/jobs/failedjob/",
        "/admin/accounts/apitoken/",
        "/admin/organisations/organisation/",
        "/admin/interactions/interaction/",
    ],
)
def test_admin_pages_open_for_an_admin(client, somchai, world, path):
    client.force_login(somchai)
    assert client.get(path).status_code == 200
