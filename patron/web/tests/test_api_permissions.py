"""What each role may do through the API: every operation in the OpenAPI document, per role.

The expected table is written out by hand from ROLE_GRANTS in patron/accounts/roles.py, so
that a change to the grants or to an endpoint's check shows up here as a failure to look at:

    every role       view_* on every Patron app: every GET answers 200
    Admin            everything
    Marketer         add/change customer, add consent event, add interaction,
                     add/change organisation, add contact, add order, change an order's
                     status, merge duplicates
    Service agent    add/change customer, add consent event, add interaction, add contact
                     (no orders, no organisations)
    Analyst          nothing beyond reading

and for issue 18's apps: Admins change the ladder's rules; Admins and Marketers record ladder
evidence by hand; every role but the Analyst sets and accepts relationship levels, sends
surveys, records feedback and adds, changes, completes, snoozes and cancels tasks.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from patron.accounts.services import token_create
from patron.api import api as ninja_api
from patron.customers.models import AuditEvent, ConsentEvent, Customer, Tag
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.duplicates.tests.factories import make_pair
from patron.feedback.models import Feedback, FeedbackCategory, Survey
from patron.feedback.services import survey_send
from patron.interactions.models import Interaction
from patron.interactions.services import interaction_log
from patron.ladder.models import HandEvidence, RuleChange
from patron.loyalty.coupons import batch_create
from patron.loyalty.ledger import points_earn
from patron.loyalty.models import CouponBatch, CouponUse, Entry, Referral
from patron.organisations.models import Organisation, OrganisationContact
from patron.organisations.services import organisation_create
from patron.relationships.models import CustomerLevel, LevelChange, OrganisationLevel
from patron.sales.models import Order
from patron.sales.services import LineData, order_create, product_upsert
from patron.scoring.services import customers_score
from patron.tasks.models import Reminder, Task
from patron.tasks.services import task_create

pytestmark = pytest.mark.django_db

ROLES = {"Admin": "somchai", "Marketer": "lan", "Service agent": "emre", "Analyst": "maria"}
READ = {"Admin": 200, "Marketer": 200, "Service agent": 200, "Analyst": 200}
MERGERS = {"Admin": 200, "Marketer": 200, "Service agent": 403, "Analyst": 403}
SCORERS = {"Admin": 202, "Marketer": 202, "Service agent": 403, "Analyst": 403}
ADMINS = {"Admin": 200, "Marketer": 403, "Service agent": 403, "Analyst": 403}
EDITORS = {"Admin": 200, "Marketer": 200, "Service agent": 200, "Analyst": 403}

EXPECTED = {
    ("GET", "/api/customers"): READ,
    ("POST", "/api/customers"): {"Admin": 201, "Marketer": 201, "Service agent": 201, "Analyst": 403},
    ("GET", "/api/customers/{customer_id}"): READ,
    ("GET", "/api/customers/export"): {"Admin": 200, "Marketer": 200, "Service agent": 403, "Analyst": 403},
    ("POST", "/api/customers/bulk"): {"Admin": 200, "Marketer": 200, "Service agent": 200, "Analyst": 403},
    ("PATCH", "/api/customers/{customer_id}"): {
        "Admin": 200,
        "Marketer": 200,
        "Service agent": 200,
        "Analyst": 403,
    },
    ("GET", "/api/customers/{customer_id}/export"): {
        "Admin": 200,
        "Marketer": 403,
        "Service agent": 403,
        "Analyst": 403,
    },
    ("POST", "/api/customers/{customer_id}/erase"): {
        "Admin": 200,
        "Marketer": 403,
        "Service agent": 403,
        "Analyst": 403,
    },
    ("GET", "/api/consents"): READ,
    ("GET", "/api/consents/events"): READ,
    ("POST", "/api/consents"): {"Admin": 201, "Marketer": 201, "Service agent": 201, "Analyst": 403},
    ("GET", "/api/orders"): READ,
    ("GET", "/api/orders/{order_id}"): READ,
    ("PATCH", "/api/orders/{order_id}"): {
        "Admin": 200,
        "Marketer": 200,
        "Service agent": 403,
        "Analyst": 403,
    },
    ("POST", "/api/orders"): {"Admin": 201, "Marketer": 201, "Service agent": 403, "Analyst": 403},
    ("GET", "/api/interactions"): READ,
    ("GET", "/api/interactions/{interaction_id}"): READ,
    ("POST", "/api/interactions"): {"Admin": 201, "Marketer": 201, "Service agent": 201, "Analyst": 403},
    ("GET", "/api/organisations"): READ,
    ("GET", "/api/organisations/{organisation_id}"): READ,
    ("POST", "/api/organisations"): {"Admin": 201, "Marketer": 201, "Service agent": 403, "Analyst": 403},
    ("PATCH", "/api/organisations/{organisation_id}"): {
        "Admin": 200,
        "Marketer": 200,
        "Service agent": 403,
        "Analyst": 403,
    },
    ("POST", "/api/organisations/{organisation_id}/contacts"): {
        "Admin": 201,
        "Marketer": 201,
        "Service agent": 201,
        "Analyst": 403,
    },
    ("GET", "/api/duplicates"): READ,
    ("POST", "/api/duplicates/{pair_id}/merge"): MERGERS | {"Admin": 201, "Marketer": 201},
    ("POST", "/api/duplicates/{pair_id}/dismiss"): MERGERS,
    ("GET", "/api/merges"): READ,
    ("POST", "/api/merges/{merge_id}/undo"): MERGERS,
    ("GET", "/api/duplicate-scans"): READ,
    ("POST", "/api/duplicate-scans"): SCORERS,
    ("GET", "/api/scores"): READ,
    ("GET", "/api/scores/{customer_id}"): READ,
    ("GET", "/api/segments"): READ,
    ("GET", "/api/scoring-runs"): READ,
    ("POST", "/api/scoring-runs"): SCORERS,
    ("GET", "/api/customers/{customer_id}/loyalty"): READ,
    ("GET", "/api/customers/{customer_id}/loyalty/entries"): READ,
    ("POST", "/api/customers/{customer_id}/loyalty/redeem"): {
        "Admin": 201,
        "Marketer": 201,
        "Service agent": 201,
        "Analyst": 403,
    },
    ("POST", "/api/customers/{customer_id}/loyalty/adjust"): {
        "Admin": 201,
        "Marketer": 403,
        "Service agent": 403,
        "Analyst": 403,
    },
    # somsri has bought already: whoever may write hears the service's refusal, after the check.
    ("POST", "/api/customers/{customer_id}/loyalty/referral"): {
        "Admin": 422,
        "Marketer": 422,
        "Service agent": 422,
        "Analyst": 403,
    },
    ("GET", "/api/customers/{customer_id}/loyalty/referrals"): READ,
    ("POST", "/api/coupons/batches"): {"Admin": 201, "Marketer": 201, "Service agent": 403, "Analyst": 403},
    ("GET", "/api/coupons/batches/{batch_id}/codes"): READ,
    ("POST", "/api/coupons/{code}/redeem"): {
        "Admin": 201,
        "Marketer": 201,
        "Service agent": 201,
        "Analyst": 403,
    },
    ("GET", "/api/feedback/surveys"): READ,
    ("GET", "/api/feedback/surveys/{survey_id}"): READ,
    ("POST", "/api/feedback/surveys"): {"Admin": 201, "Marketer": 201, "Service agent": 201, "Analyst": 403},
    ("POST", "/api/feedback/surveys/{survey_id}/answer"): {
        "Admin": 200,
        "Marketer": 200,
        "Service agent": 200,
        "Analyst": 403,
    },
    ("GET", "/api/feedback/feedback"): READ,
    ("POST", "/api/feedback/feedback"): {"Admin": 201, "Marketer": 201, "Service agent": 201, "Analyst": 403},
    ("GET", "/api/feedback/categories"): READ,
    ("GET", "/api/ladder/funnel"): READ,
    ("GET", "/api/ladder/evidence"): READ,
    ("GET", "/api/ladder/rules"): READ,
    ("PUT", "/api/ladder/rules/{stage}"): ADMINS,
    ("GET", "/api/ladder/customers/{customer_id}"): READ,
    ("POST", "/api/ladder/customers/{customer_id}/evidence"): {
        "Admin": 201,
        "Marketer": 201,
        "Service agent": 403,
        "Analyst": 403,
    },
    ("GET", "/api/relationships/customers/{customer_id}"): READ,
    ("PUT", "/api/relationships/customers/{customer_id}"): EDITORS,
    ("POST", "/api/relationships/customers/{customer_id}/accept"): EDITORS,
    ("GET", "/api/relationships/customers/{customer_id}/history"): READ,
    ("GET", "/api/relationships/organisations/{organisation_id}"): READ,
    ("PUT", "/api/relationships/organisations/{organisation_id}"): EDITORS,
    ("POST", "/api/relationships/organisations/{organisation_id}/accept"): EDITORS,
    ("GET", "/api/relationships/organisations/{organisation_id}/history"): READ,
    ("GET", "/api/tasks"): READ,
    ("GET", "/api/tasks/{task_id}"): READ,
    ("POST", "/api/tasks"): {"Admin": 201, "Marketer": 201, "Service agent": 201, "Analyst": 403},
    ("PATCH", "/api/tasks/{task_id}"): {"Admin": 200, "Marketer": 200, "Service agent": 200, "Analyst": 403},
    ("POST", "/api/tasks/{task_id}/complete"): {
        "Admin": 200,
        "Marketer": 200,
        "Service agent": 200,
        "Analyst": 403,
    },
    ("POST", "/api/tasks/{task_id}/snooze"): {
        "Admin": 200,
        "Marketer": 200,
        "Service agent": 200,
        "Analyst": 403,
    },
    ("POST", "/api/tasks/{task_id}/cancel"): EDITORS,
}

# Operations that answer a file, by what they answer when allowed.
FILES = {("GET", "/api/customers/export", 200): "text/csv"}
SKU = "TEA-JASMINE"
WRITTEN = [
    Customer,
    AuditEvent,
    ConsentEvent,
    Order,
    Interaction,
    Organisation,
    OrganisationContact,
    Entry,
    CouponBatch,
    CouponUse,
    Referral,
    Task,
    Reminder,
    Survey,
    Feedback,
    RuleChange,
    HandEvidence,
    LevelChange,
    CustomerLevel,
    OrganisationLevel,
]


def documented_operations():
    document = ninja_api.get_openapi_schema(path_prefix="/api/")
    return {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}


def bodies(world):
    """A valid body for every write, so that only the role decides the answer."""
    return {
        ("POST", "/api/customers"): {"display_name": "Nong May", "phones": ["089 999 1234"]},
        ("PATCH", "/api/customers/{customer_id}"): {"tags": ["regular"]},
        ("POST", "/api/customers/bulk"): {
            "action": "tag_add",
            "value": "regular",
            "ids": [world["customer_id"]],
        },
        ("POST", "/api/customers/{customer_id}/erase"): {"reason": "Asked by e-mail"},
        ("POST", "/api/consents"): {
            "customer": world["customer_id"],
            "channel": "sms",
            "purpose": "marketing",
            "granted": True,
            "source": "shop counter",
        },
        ("POST", "/api/orders"): {
            "customer": world["customer_id"],
            "placed_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "channel": "store",
            "lines": [{"sku": SKU, "quantity": 1, "unit_price": "120"}],
        },
        ("PATCH", "/api/orders/{order_id}"): {"status": "returned", "amount": "20.00"},
        ("POST", "/api/interactions"): {
            "customer": world["customer_id"],
            "channel": "phone",
            "direction": "inbound",
            "subject": "Asked about opening hours",
        },
        ("POST", "/api/organisations"): {"name": "Chiang Mai Ceramics", "kind": "supplier"},
        ("PATCH", "/api/organisations/{organisation_id}"): {"notes": "Pays in 30 days"},
        ("POST", "/api/organisations/{organisation_id}/contacts"): {"name": "Malee"},
        ("POST", "/api/duplicates/{pair_id}/merge"): {"survivor": world["survivor_id"]},
        ("POST", "/api/customers/{customer_id}/loyalty/redeem"): {"points": 10, "reason": "Free coffee"},
        ("POST", "/api/customers/{customer_id}/loyalty/adjust"): {"points": 50, "reason": "Welcome gift"},
        ("POST", "/api/customers/{customer_id}/loyalty/referral"): {"referrer": world["survivor_id"]},
        ("POST", "/api/coupons/batches"): {
            "name": "Songkran",
            "benefit": "Free tea",
            "use": "single",
            "count": 2,
        },
        ("POST", "/api/coupons/{code}/redeem"): {"customer": world["customer_id"], "order": None},
        ("POST", "/api/tasks"): {
            "customer": world["customer_id"],
            "title": "Call about the tea order",
            "due_at": "2030-01-01T09:00:00+07:00",
            "assignee": "somchai",
            "remind_before_minutes": [30],
        },
        ("PATCH", "/api/tasks/{task_id}"): {"due_at": "2030-01-02T09:00:00+07:00"},
        ("POST", "/api/feedback/surveys"): {"customer": world["customer_id"], "kind": "nps"},
        ("POST", "/api/feedback/surveys/{survey_id}/answer"): {"score": 9},
        ("POST", "/api/feedback/feedback"): {
            "customer": world["customer_id"],
            "kind": "compliment",
            "category": world["category_id"],
            "text": "Lovely jasmine tea",
        },
        ("POST", "/api/tasks/{task_id}/complete"): {},
        ("POST", "/api/tasks/{task_id}/snooze"): {"until": (timezone.now() + timedelta(days=1)).isoformat()},
        ("PUT", "/api/ladder/rules/{stage}"): {"codes": ["purchase"], "min_count": 3, "window_months": 12},
        ("POST", "/api/ladder/customers/{customer_id}/evidence"): {
            "kind": "review",
            "at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "note": "Five stars on the map",
        },
        ("PUT", "/api/relationships/customers/{customer_id}"): {
            "level": "accountable",
            "reason": "Called after every order",
        },
        ("POST", "/api/relationships/customers/{customer_id}/accept"): {},
        ("PUT", "/api/relationships/organisations/{organisation_id}"): {
            "level": "reactive",
            "reason": "They call us",
        },
        ("POST", "/api/relationships/organisations/{organisation_id}/accept"): {},
    }


@pytest.fixture
def world(somchai, thai_shop):
    customer = make_customer(somchai, "somsri")
    Tag.objects.create(name="regular")  # one of the shop's tags, which every editing role applies
    product_upsert(sku=SKU, name="Jasmine tea", by=somchai)
    order = order_create(
        customer=customer,
        placed_at=timezone.now() - timedelta(days=1),
        channel="store",
        lines=[LineData(sku=SKU, quantity=1, unit_price="120")],
        by=somchai,
    )
    organisation = organisation_create(by=somchai, name="Bangkok Tea Traders", kind="supplier")
    interaction = interaction_log(
        by=somchai, customer=customer, channel="chat", direction="inbound", subject="Delivery time"
    )
    # A contact logged: the evidence suggests a relationship level for the organisation too.
    interaction_log(
        by=somchai, organisation=organisation, channel="phone", direction="inbound", subject="Price list"
    )
    juan, juan_again = make_customer(somchai, "juan"), make_customer(somchai, display_name="Juan Cruz")
    merge = customer_merge(survivor=juan, merged=make_customer(somchai, display_name="J. Cruz"), by=somchai)
    customers_score(by=somchai)
    points_earn(customer=customer, points=100, key="world:earn", by=somchai)
    coupons = batch_create(
        name="Tea week", benefit="Free tea", use="limited", max_uses=10, count=1, by=somchai
    )
    task = task_create(
        by=somchai,
        customer=customer,
        title="Ask about the new tea",
        due_at=timezone.now() + timedelta(days=2),
        assignee=somchai,
        remind_before_minutes=[60],
    )
    survey = survey_send(by=somchai, customer=customer, kind="nps", reason="hand")
    return {
        "stage": "client",
        "survey_id": survey.pk,
        "category_id": FeedbackCategory.objects.get(code="product").pk,
        "task_id": task.pk,
        "batch_id": coupons.pk,
        "code": coupons.coupons.get().code,
        "pair_id": make_pair(juan, juan_again).pk,
        "survivor_id": juan.pk,
        "merge_id": merge.pk,
        "customer_id": customer.pk,
        "order_id": order.pk,
        "organisation_id": organisation.pk,
        "interaction_id": interaction.pk,
    }


def call(client, staff, world, role, method, path):
    _token, secret = token_create(user=staff(ROLES[role]), name="tests")
    url = path.format(**world)
    body = bodies(world).get((method, path))
    kwargs = {"content_type": "application/json"} if body is not None else {}
    # Writes that take an Idempotency-Key (a customer's points) get one; the others ignore it.
    kwargs["HTTP_IDEMPOTENCY_KEY"] = f"{role} {method} {path}"
    return getattr(client, method.lower())(url, body, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)


def counts():
    return {model.__name__: model.objects.count() for model in WRITTEN}


def changed_in_place(world):
    """What the world's writes change without adding or deleting a row."""
    return {
        "customer": Customer.objects.get(pk=world["customer_id"]).tags.count(),
        "organisation": Organisation.objects.get(pk=world["organisation_id"]).notes,
        "task": Task.objects.values("status", "due_at").get(pk=world["task_id"]),
        "survey": Survey.objects.values("score", "answered_at").get(pk=world["survey_id"]),
    }


def test_table_covers_every_operation_in_the_openapi_document():
    assert set(EXPECTED) == documented_operations()


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [(role, method, path) for (method, path) in EXPECTED for role in ROLES],
    ids=lambda value: value,
)
def test_role_gets_the_expected_status(client, staff, world, role, method, path):
    response = call(client, staff, world, role, method, path)
    assert response.status_code == EXPECTED[(method, path)][role], response.content
    assert response["Content-Type"].startswith(
        FILES.get((method, path, response.status_code), "application/json")
    )


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        (role, method, path)
        for (method, path), by_role in EXPECTED.items()
        for role in ROLES
        if by_role[role] == 403
    ],
    ids=lambda value: value,
)
def test_refused_write_changes_nothing(client, staff, world, role, method, path):
    before, in_place = counts(), changed_in_place(world)
    response = call(client, staff, world, role, method, path)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert counts() == before
    assert changed_in_place(world) == in_place


@pytest.mark.parametrize(
    ("method", "path"),
    sorted(op for op in documented_operations() if op[0] != "GET"),
    ids=lambda value: value,
)
def test_analyst_is_refused_every_write_in_the_document(client, staff, world, method, path):
    assert call(client, staff, world, "Analyst", method, path).status_code == 403


def invalid_request(document, method, path):
    """A request to the operation with every input wrong: path ids that are not ids, a page
    size out of range, an unknown query parameter and a body of the wrong shape. Returns the
    URL, the body (or None) and whether the operation reads any input at all."""
    operation = document["paths"][path][method.lower()]
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    numbers = [
        parameter["name"]
        for parameter in operation.get("parameters", ())
        if parameter["in"] == "query" and parameter.get("schema", {}).get("type") in ("number", "integer")
    ]
    query = "".join(f"&{name}=not-a-number" for name in numbers if name != "limit")
    url = re.sub(r"\{\w+\}", "not-an-id", path) + "?limit=-1&no_such_parameter=1" + query
    body = {"display_name": ["not", "text"], "customer": "nobody", "lines": 7} if method != "GET" else None
    return url, body, takes_input


def send(client, user, method, url, body):
    _token, secret = token_create(user=user, name="tests")
    kwargs = {"content_type": "application/json"} if body is not None else {}
    return getattr(client, method.lower())(url, body, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)


@pytest.fixture
def somsak(db, thai_shop):
    """A new member of staff the Admin has not given a role yet: no permission at all."""
    return get_user_model().objects.create_user("somsak", password="somsak-pass-2024")


@pytest.mark.parametrize(("method", "path"), sorted(documented_operations()), ids=lambda value: value)
def test_authorisation_is_checked_before_input_is_read(client, staff, somsak, method, path):
    """Every operation in the document, new ones included: a token without the right gets 403
    for input that a token with the right gets 422 for, so the schema stays unseen."""
    url, body, takes_input = invalid_request(ninja_api.get_openapi_schema(path_prefix="/api/"), method, path)
    refused = [
        somsak,
        *(staff(ROLES[role]) for role, status in EXPECTED[(method, path)].items() if status == 403),
    ]
    for user in refused:
        response = send(client, user, method, url, body)
        assert response.status_code == 403, (user.username, response.content)
        assert response.json() == {"detail": "You do not have permission to do this."}
    if takes_input:
        assert send(client, staff("somchai"), method, url, body).status_code == 422
