"""Deriving stages: evidence drawn at random, checked against the rules evaluated in plain
Python; moves, the funnel's counts, and evidence arriving through the apps' events."""

import json
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from patron.customers.models import Customer
from patron.customers.services import CustomerData
from patron.customers.tests.factories import make_customer
from patron.ladder import derivation
from patron.ladder.models import HandEvidence, MonthMoves, Move, Rule, Stage, StageCount, Standing
from patron.loyalty.models import Referral
from patron.organisations.models import Organisation, OrganisationContact
from patron.sales.models import Order
from patron.sales.services import order_create

pytestmark = pytest.mark.django_db(transaction=False)

NOW = timezone.now()


def orders(customer, *ages, status=Order.Status.COMPLETED):
    """Orders of ``customer`` placed ``ages`` days ago, written directly (as an import does)."""
    Order.objects.bulk_create(
        Order(
            customer=customer,
            placed_at=NOW - timedelta(days=age),
            status=status,
            channel="store",
            currency="THB",
            total=Decimal(100),
            total_base=Decimal(100),
            external_id=f"{customer.pk}-{age}-{random.random()}",
        )
        for age in ages
    )


def by_hand(customer, kind, age, by):
    HandEvidence.objects.create(customer=customer, kind=kind, at=NOW - timedelta(days=age), recorded_by=by)


def plain_stage(pieces, rules):
    """The rules in plain Python: ``pieces`` is [(code, at)] of one customer; its purchases but
    the first (the earliest; of two at one time, one of them) are its repeat purchases."""
    purchases = sorted(at for code, at in pieces if code == "purchase")
    pieces = pieces + [("repeat_purchase", at) for at in purchases[1:]]
    stage = 0
    for rule in rules:
        since = NOW - relativedelta(months=rule.window_months) if rule.window_months else None
        count = sum(1 for code, at in pieces if code in rule.codes and (since is None or at >= since))
        if count >= rule.min_count:
            stage = max(stage, rule.stage)
    return stage


@pytest.mark.parametrize("chunk", [500, 3], ids=["few", "bulk"])
def test_random_evidence_matches_plain_rules(somchai, thai_shop, monkeypatch, chunk):
    """With a chunk of 3, PostgreSQL writes through COPY and the temporary table, as at scale,
    and a few customers are read in several IN (...) lists."""
    monkeypatch.setattr(derivation, "CHUNK", chunk)
    rng = random.Random(18 + chunk)
    people = [make_customer(somchai, given_name=f"P{i}", country="TH") for i in range(40)]
    pieces = {person.pk: [] for person in people}
    for person in people:
        # Ages repeat: two orders at one time, the first of them or not, inside a window or not.
        ages = [rng.choice([3, 100, 300, 400, 900]) for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 5]))]
        orders(person, *ages)
        pieces[person.pk] += [("purchase", NOW - timedelta(days=age)) for age in ages]
        orders(person, 5, status=Order.Status.CANCELLED)  # never a purchase, nor a repeat one
        orders(person, 4, status=Order.Status.RETURNED)
        for kind in ("contract", "compliment", "review", "idea"):
            if rng.random() < 0.12:
                age = rng.choice([1, 500])
                by_hand(person, kind, age, somchai)
                pieces[person.pk].append((kind, NOW - timedelta(days=age)))
    derivation.derive_all(now=NOW)
    rules = list(Rule.objects.order_by("stage"))
    stored = dict(Standing.objects.values_list("customer_id", "stage"))
    for person in people:
        assert stored.get(person.pk, 0) == plain_stage(pieces[person.pk], rules), pieces[person.pk]
    assert set(stored.values()) >= {1, 2}, "the draw should reach customer and client"
    bought = [[at for code, at in pieces[person.pk] if code == "purchase"] for person in people]
    assert any(len(ats) > len(set(ats)) for ats in bought), "the draw should tie two orders"
    # Rules changed: everyone again, still as the plain rules say.
    for codes, count, window in [(["repeat_purchase"], 1, 10), (["purchase"], 3, 24)]:
        Rule.objects.filter(stage=Stage.CLIENT).update(codes=codes, min_count=count, window_months=window)
        derivation.derive_all(why="rules", now=NOW)
        rules = list(Rule.objects.order_by("stage"))
        stored = dict(Standing.objects.values_list("customer_id", "stage"))
        for person in people:
            assert stored.get(person.pk, 0) == plain_stage(pieces[person.pk], rules)
    # The funnel counts every customer once.
    counts = dict(StageCount.objects.values_list("stage", "customers"))
    assert sum(counts.values()) == Customer.objects.count()
    for stage in Stage.values[1:]:
        assert counts[stage] == sum(1 for value in stored.values() if value == stage)
    # One customer at a time gives the same as all at once.
    for person in people[:10]:
        derivation.derive([person.pk], now=NOW)
    assert dict(Standing.objects.values_list("customer_id", "stage")) == stored


def test_moves_evidence_and_nothing_written_when_nothing_changed(somchai, thai_shop):
    an = make_customer(somchai, "nguyen_van_an")
    orders(an, 400)
    first = derivation.derive_all(now=NOW)
    standing = Standing.objects.get(customer=an)
    assert standing.stage == Stage.CUSTOMER
    assert standing.missing == 2  # client: two repeat purchases in 12 months, none yet
    assert json.loads(standing.evidence) == {
        "purchase": {"n": 1, "at": (NOW - timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ"), "w": {}}
    }
    assert (first.written, first.up, first.down) == (1, 1, 0)
    again = derivation.derive_all(now=NOW)
    assert (again.written, again.deleted, again.up, again.down) == (0, 0, 0, 0)
    orders(an, 10, 20)
    derivation.derive([an.pk], now=NOW)
    standing.refresh_from_db()
    assert standing.stage == Stage.CLIENT
    assert json.loads(standing.evidence)["purchase"]["n"] == 3
    evidence = json.loads(standing.evidence)["repeat_purchase"]
    assert (evidence["n"], evidence["w"]["12"]) == (2, 2)
    assert evidence["at"] == (NOW - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # A year on, the two orders have left the window: down to customer.
    later = NOW + timedelta(days=400)
    derivation.derive_all(now=later)
    assert Standing.objects.get(customer=an).stage == Stage.CUSTOMER
    moves = list(
        Move.objects.filter(customer=an).order_by("at", "id").values_list("from_stage", "to_stage", "why")
    )
    assert moves == [(0, 1, "evidence"), (1, 2, "evidence"), (2, 1, "evidence")]
    month = MonthMoves.objects.get(month=NOW.date().replace(day=1))
    assert (month.up, month.down) == (2, 0)
    assert MonthMoves.objects.get(month=later.date().replace(day=1)).down == 1
    # Every order cancelled: no evidence left, the standing goes, a prospect again.
    Order.objects.filter(customer=an).update(status=Order.Status.CANCELLED)
    derivation.derive([an.pk], now=later)
    assert not Standing.objects.filter(customer=an).exists()
    assert Move.objects.filter(customer=an).latest("id").to_stage == Stage.PROSPECT


def test_a_client_has_two_repeat_purchases_within_a_year(somchai, thai_shop):
    """The first purchase 10 months ago and a second 5 months ago: one repeat purchase, a
    customer; a third a month ago: two, a client. Returns and cancelled or refunded orders are
    no repeat purchase; of two orders at one time one is the first."""
    an, juan = make_customer(somchai, "nguyen_van_an"), make_customer(somchai, "juan")
    lan = make_customer(somchai, given_name="Lan", country="VN")
    orders(an, 304, 152)
    for status in (Order.Status.CANCELLED, Order.Status.REFUNDED, Order.Status.RETURNED):
        orders(an, 30, status=status)
    orders(juan, 200, 200)  # two at one time: one first, one repeat
    orders(lan, 500, 100, 100)  # the first outside the year: two repeat purchases in it
    derivation.derive_all(now=NOW)
    assert Standing.objects.get(customer=an).stage == Stage.CUSTOMER
    assert Standing.objects.get(customer=an).missing == 1
    assert json.loads(Standing.objects.get(customer=an).evidence)["repeat_purchase"]["w"] == {"12": 1}
    assert json.loads(Standing.objects.get(customer=juan).evidence)["repeat_purchase"]["n"] == 1
    assert Standing.objects.get(customer=lan).stage == Stage.CLIENT
    orders(an, 30)
    derivation.derive([an.pk], now=NOW)
    standing = Standing.objects.get(customer=an)
    assert standing.stage == Stage.CLIENT
    assert json.loads(standing.evidence)["repeat_purchase"] == {
        "n": 2,
        "at": (NOW - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "w": {"12": 2},
    }
    assert derivation.derive_all(now=NOW).written == 0, "the same as one customer's derivation"


def test_repeat_purchases_as_rows(somchai, thai_shop):
    """The registry's SQL of repeat purchases (what other apps read): every purchase but the
    first, one of two tied at the first time."""
    from django.db import connection

    from patron.ladder import evidence

    an, juan = make_customer(somchai, "nguyen_van_an"), make_customer(somchai, "juan")
    orders(an, 300, 300, 10)
    orders(an, 5, status=Order.Status.CANCELLED)
    orders(juan, 40)
    (source,) = evidence.sources("repeat_purchase")
    sql, params = evidence.source_sql(source)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT customer_id, at FROM ({sql}) e ORDER BY at", params)  # noqa: S608
        rows = cursor.fetchall()
    assert [customer for customer, _at in rows] == [an.pk, an.pk]
    assert [str(at)[:10] for _customer, at in rows] == [
        str((NOW - timedelta(days=age)).date()) for age in (300, 10)
    ]


def test_referrals_and_partner_organisations_are_evidence(somchai, thai_shop):
    an, juan = make_customer(somchai, "nguyen_van_an"), make_customer(somchai, "juan")
    Referral.objects.create(referrer=an, referred=juan, actor=somchai, actor_kind="staff")
    partner = Organisation.objects.create(name="Agency", kind=Organisation.Kind.AGENCY)
    OrganisationContact.objects.create(organisation=partner, name="Juan", email="juan.delacruz@example.ph")
    investor = Organisation.objects.create(name="Fund", kind=Organisation.Kind.INVESTOR)
    OrganisationContact.objects.create(organisation=investor, name="An", email="an.nguyen@example.vn")
    derivation.derive_all(now=NOW)
    assert Standing.objects.get(customer=an).stage == Stage.ADVOCATE  # the investor is no partner
    assert Standing.objects.get(customer=juan).stage == Stage.PARTNER


def test_evidence_arriving_derives_its_customers(somchai, thai_shop, django_capture_on_commit_callbacks):
    an, juan = make_customer(somchai, "nguyen_van_an"), make_customer(somchai, "juan")
    with django_capture_on_commit_callbacks(execute=True):
        order_create(
            customer=an, placed_at=NOW - timedelta(days=1), channel="store", total=Decimal(50), by=somchai
        )
    assert Standing.objects.get(customer=an).stage == Stage.CUSTOMER
    with django_capture_on_commit_callbacks(execute=True):
        Referral.objects.create(referrer=juan, referred=an, actor=somchai, actor_kind="staff")
    assert Standing.objects.get(customer=juan).stage == Stage.ADVOCATE
    assert StageCount.objects.get(stage=Stage.ADVOCATE).customers == 1


def test_feedback_arriving_derives_its_customer(somchai, thai_shop, django_capture_on_commit_callbacks):
    from patron.feedback.models import FeedbackCategory
    from patron.feedback.services import feedback_record

    an = make_customer(somchai, "nguyen_van_an")
    category = FeedbackCategory.objects.create(name="Service")
    with django_capture_on_commit_callbacks(execute=True):
        feedback_record(by=somchai, customer=an, kind="compliment", category=category, text="Kind staff")
    standing = Standing.objects.get(customer=an)
    assert standing.stage == Stage.SUPPORTER
    assert json.loads(standing.evidence)["compliment"]["n"] == 1


def test_a_customer_made_later_counts_as_a_prospect(somchai, thai_shop):
    derivation.derive_all(now=NOW)
    make_customer(somchai, given_name="New", country="TH")
    derivation.derive_all(now=NOW)
    assert StageCount.objects.get(stage=Stage.PROSPECT).customers == 1
    assert CustomerData  # the factory's data class stays importable for the pages' tests


def test_an_import_derives_everyone_and_the_night_comes_at_half_past(somchai, thai_shop, settings):
    from datetime import datetime

    from patron.ladder.jobs import at_ladder_hour
    from patron.sales.events import OrdersImported, orders_imported

    an = make_customer(somchai, "nguyen_van_an")
    orders(an, 5)
    event = OrdersImported(
        "x", "bench", NOW, created=1, changed=0, placed_from=NOW, placed_to=NOW, finished=True
    )
    orders_imported.send_robust(sender=__name__, event=event)
    assert Standing.objects.get(customer=an).stage == Stage.CUSTOMER
    settings.PATRON_SCORING_HOUR = 2  # 02:30 in Bangkok is 19:30 UTC the day before
    assert at_ladder_hour(datetime(2026, 12, 6, 19, 30))
    assert not at_ladder_hour(datetime(2026, 12, 6, 19, 0))
