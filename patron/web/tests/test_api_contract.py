"""The API answers as its OpenAPI document says, for whatever schemathesis sends it.

Every operation in /api/openapi.json gets generated requests, valid and invalid, with an
Admin token, against a database holding a few customers, orders, organisations,
interactions and consents. Any status code, content type or body the document does not
promise is a failure of the API, to be fixed there, not here.

The seed is fixed so that the suite is repeatable; to explore further, run with another:
PATRON_API_CONTRACT_SEED=7 pytest patron/web/tests/test_api_contract.py
"""

import json
import os
from datetime import timedelta

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from patron.accounts.services import token_create
from patron.api import api
from patron.api_schemas import MAX_ID
from patron.customers.services import consent_record
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.duplicates.tests.factories import make_pair
from patron.interactions.services import interaction_log
from patron.organisations.services import contact_create, organisation_create
from patron.sales.services import LineData, order_create, product_upsert
from patron.wsgi import application

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": int(os.environ.get("PATRON_API_CONTRACT_SEED", "1")),
        "generation": {
            "max-examples": 25,
            # No example database: nothing is written into the working tree.
            "database": "none",
            # Every request carries the Admin's token (below); a generated Authorization
            # header would be replaced by it and so never reach the API. Requests without
            # a token, or with a wrong one, are still sent by the ignored_auth check.
            "with-security-parameters": False,
        },
        "checks": {
            # Phone numbers, time zones, country codes and references to existing rows are
            # checked by the services, not by JSON Schema: a request can fit the document and
            # still be refused with a documented 422. The status, body and content type of
            # that refusal are still checked by every other check.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)


def openapi_document():
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/"), cls=NinjaJSONEncoder))


schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)
schema.app = application

SKU = "TEA-JASMINE"
PAST = "2024-05-01T09:30:00+07:00"


def _odd(text):
    """Half of all strings, decided by the string itself so that examples replay the same."""
    return isinstance(text, str) and len(text) % 2 == 1


class World:
    """What the generated requests find in the database."""

    def __init__(self, admin):
        _token, self.secret = token_create(user=admin, name="contract")
        customers = [make_customer(admin, key) for key in ("nguyen_van_an", "sukru_isik", "somsri")]
        product_upsert(sku=SKU, name="Jasmine tea", by=admin)
        placed_at = timezone.now() - timedelta(days=3)
        orders = [
            order_create(
                customer=customer,
                placed_at=placed_at,
                channel="store",
                lines=[LineData(sku=SKU, quantity=2, unit_price="120.00")],
                by=admin,
            )
            for customer in customers
        ]
        organisation = organisation_create(
            by=admin, name="Bangkok Tea Traders", kind="supplier", country="TH"
        )
        contact = contact_create(
            organisation=organisation, name="Anong", email="anong@example.co.th", by=admin
        )
        interactions = [
            interaction_log(
                by=admin, customer=customers[0], channel="phone", direction="inbound", body="Called"
            ),
            interaction_log(
                by=admin, organisation=organisation, channel="email", direction="outbound", body="Sent"
            ),
        ]
        consent_record(
            customer=customers[0], channel="email", purpose="marketing", granted=True, source="shop", by=admin
        )
        names = ("Juan Cruz", "Juan dela Cruz", "J. Cruz")
        twins = [make_customer(admin, display_name=name) for name in names]
        merge = customer_merge(survivor=twins[0], merged=twins[2], by=admin)
        self.ids = {
            "customer": [c.pk for c in customers],
            "order": [o.pk for o in orders],
            "organisation": [organisation.pk],
            "contact": [contact.pk],
            "interaction": [i.pk for i in interactions],
            "owner": [admin.pk],
            "pair": [make_pair(customers[0], twins[1]).pk, make_pair(twins[0], twins[1]).pk],
            "merge": [merge.pk],
            "survivor": [customers[0].pk, twins[0].pk, twins[1].pk],
        }

    def aim(self, case):
        """Point some generated ids at rows that exist, so that not every request is a 404.

        Only ids that are already valid numbers are replaced, so an invalid request stays
        invalid; schemathesis re-checks the case after the change anyway.
        """
        for name, value in (case.path_parameters or {}).items():
            kind = name.removesuffix("_id")
            case.path_parameters[name] = self._existing(kind, value)
        if isinstance(case.query, dict):
            for name in ("customer", "organisation", "owner"):
                if name in case.query:
                    case.query[name] = self._existing(name, case.query[name])
        if isinstance(case.body, dict):
            for name in ("customer", "organisation", "contact", "owner", "survivor"):
                if name in case.body:
                    case.body[name] = self._existing(name, case.body[name])
            # An order is only taken for a known product, in a currency with a rate, in the past.
            lines = case.body.get("lines")
            for line in lines if isinstance(lines, list) else []:
                if isinstance(line, dict) and _odd(line.get("sku")):
                    line["sku"] = SKU
            if _odd(case.body.get("currency")):
                case.body["currency"] = "THB"
            if _odd(case.body.get("placed_at")):
                case.body["placed_at"] = PAST

    def _existing(self, kind, value):
        ids = self.ids.get(kind)
        if not ids or isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
            return value
        return ids[value % len(ids)] if value % 3 else value


@pytest.fixture
def world(somchai, thai_shop, settings):
    # Every case comes from one address and many try wrong tokens on purpose; the throttle,
    # which would soon answer them all 429, has its own tests (accounts/tests/test_api_throttle).
    settings.PATRON_API_FAILURE_LIMIT = 10**9
    return World(somchai)


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Requests go through the real WSGI handler, which closes the database connection at
    the start and end of each request; inside the test's transaction that would end it on
    PostgreSQL. Django's own test client switches this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
# The world is made once per operation and shared by its examples on purpose: it is the
# data they read, and the rows they add accumulate as they would on a live server.
# On a busy CI machine generating a request can be slow; that is no fault of the API.
@hypothesis.settings(
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture, hypothesis.HealthCheck.too_slow]
)
def test_operation_answers_as_documented(case, world):
    world.aim(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {world.secret}"})


@pytest.mark.django_db
def test_document_under_test_is_the_one_served(client, thai_shop):
    assert client.get("/api/openapi.json").json() == openapi_document()
