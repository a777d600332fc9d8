"""The nightly expiry: every customer's points past their expiry taken, once however often it
runs, by the job scheduled in the workspace's time zone and by `patron loyalty expire`."""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.loyalty.expiry import points_expire_all
from patron.loyalty.jobs import at_expiry_hour, points_expire_nightly
from patron.loyalty.ledger import balance_of, ledger_check, points_earn
from patron.loyalty.models import Account, Entry
from patron.loyalty.programme import programme_update
from patron.loyalty.tests.shop import *  # noqa: F403  (the fixtures)
from patron.loyalty.tests.shop import earned

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(job="points_expire_all")


@pytest.fixture
def expiring(somchai, somsri, record):
    """Somsri's order of 13 months ago under a 12-month expiry (its 100 points are past it), one
    of last month, and Juan's points that never expire."""
    programme_update(by=somchai, active=True, points_per_unit=Decimal("0.1"), expiry_months=12)
    now = timezone.now()
    record(somsri, total="1000", placed_at=now - timedelta(days=400))
    record(somsri, total="500", placed_at=now - timedelta(days=30))
    juan = make_customer(somchai, "juan")
    points_earn(customer=juan, points=70, key="juan-gift", by=SYSTEM)
    return juan


def test_points_past_their_expiry_are_taken_once(somsri, expiring):
    assert balance_of(somsri).due == 100
    assert points_expire_all(by=SYSTEM) == {"customers": 1, "entries": 1, "points": 100}
    assert points_expire_all(by=SYSTEM) == {"customers": 0, "entries": 0, "points": 0}
    assert earned(somsri, "expire") == [-100]
    assert Account.objects.get(customer=somsri).points == 50 and balance_of(somsri).due == 0
    assert Account.objects.get(customer=expiring).points == 70 and ledger_check() == []


def test_patron_loyalty_expire_and_its_json(somsri, expiring):
    out = StringIO()
    call_command("loyalty", "expire", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"customers": 1, "entries": 1, "points": 100}
    out = StringIO()
    call_command("loyalty", "expire", stdout=out)
    assert out.getvalue().strip() == "0 points expired in 0 entries for 0 customers."
    assert Entry.objects.get(kind="expire").actor_job == "points_expire_all"


def test_the_nightly_job_expires_at_its_hour_in_the_workspaces_zone(somsri, expiring, settings):
    settings.PATRON_LOYALTY_EXPIRY_HOUR = 1
    # 01:00 in Bangkok is 18:00 UTC the day before; huey passes naive UTC minutes.
    assert at_expiry_hour(datetime(2026, 12, 6, 18, 0))
    assert not at_expiry_hour(datetime(2026, 12, 6, 1, 0))
    points_expire_nightly.call_local()
    assert earned(somsri, "expire") == [-100]


def test_only_the_programmes_managers_or_the_system_expire(maria, lan, somsri, expiring):
    with pytest.raises(PermissionDenied):
        points_expire_all(by=maria)
    assert not Entry.objects.filter(kind="expire").exists()
    assert points_expire_all(by=lan)["points"] == 100
