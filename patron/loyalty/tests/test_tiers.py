"""Tiers: qualification by spend, points earned or predicted lifetime value in a rolling window;
the highest tier reached wins, whatever order tiers were made in (ERPNext #22167); an upgrade
at once, a downgrade only when the qualification period ends, each with its reason; progress
sentences; the nightly review; after an order."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.loyalty.ledger import earn_reverse, points_earn
from patron.loyalty.models import Coupon, CouponBatch, Entry, Membership, Programme, Tier, TierChange
from patron.loyalty.tiers import (
    DOWNGRADE,
    RENEW,
    UPGRADE,
    months_later,
    qualifying_figure,
    tier_create,
    tier_delete,
    tier_evaluate,
    tier_progress,
    tier_rules_update,
    tier_update,
    tiers_evaluate_all,
)
from patron.sales.services import order_create
from patron.scoring.tests.factories import make_run, make_score

pytestmark = pytest.mark.django_db
NOW = datetime(2024, 12, 6, 5, 0, tzinfo=UTC)  # noon in Bangkok
NIGHT = Actor.system(job="tiers_evaluate_all")


def running(basis="spend", months=12):
    Programme.objects.update_or_create(
        pk=1, defaults={"active": True, "tier_basis": basis, "tier_months": months}
    )


@pytest.fixture
def tiers(somchai, thai_shop):
    """Made out of order of their thresholds, as a shop adds them (ERPNext #22167 chose by that)."""
    made = {}
    for name, threshold in [("Platinum", 50_000), ("Member", 0), ("Gold", 10_000), ("Silver", 2_000)]:
        made[name] = tier_create(name=name, threshold=threshold, by=somchai)
    running()
    return made


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def buy(customer, by, total, placed_at, status="completed"):
    return order_create(
        customer=customer, placed_at=placed_at, channel="store", total=total, by=by, status=status
    )


def earned(customer, points, at, key):
    entry, _made = points_earn(customer=customer, points=points, key=key, by=NIGHT)
    Entry.objects.filter(pk=entry.pk).update(created_at=at)
    return Entry.objects.get(pk=entry.pk)


def tier_of(customer):
    membership = Membership.objects.filter(customer=customer).select_related("tier").first()
    return membership.tier.name if membership and membership.tier else None


# -- qualification, by each basis


def test_spend_counts_completed_orders_less_returns_in_the_window(tiers, somsri, somchai):
    buy(somsri, somchai, "9000.00", NOW - timedelta(days=30))
    buy(somsri, somchai, "4000.00", NOW - timedelta(days=200))
    buy(somsri, somchai, "1500.00", NOW - timedelta(days=20), status="returned")  # nets against spend
    buy(somsri, somchai, "7000.00", NOW - timedelta(days=10), status="cancelled")  # counts for nothing
    buy(somsri, somchai, "80000.00", NOW - timedelta(days=400))  # before the window
    buy(somsri, somchai, "60000.00", NOW + timedelta(days=1))  # after now
    assert qualifying_figure(somsri, now=NOW) == Decimal("11500.00")
    move = tier_evaluate(somsri, NIGHT, now=NOW)
    assert (move.kind, move.new.name) == (UPGRADE, "Gold")
    assert tier_of(somsri) == "Gold"


def test_points_count_earned_entries_in_the_window_less_their_reversals(tiers, somsri):
    running("points", months=6)
    kept = earned(somsri, 1_500, NOW - timedelta(days=60), "a")
    earned(somsri, 900, NOW - timedelta(days=20), "b")
    earned(somsri, 50_000, NOW - timedelta(days=200), "old")  # more than 6 months ago
    back, _made = earn_reverse(earn=kept, points=400, key="back", by=NIGHT)  # an order returned in part
    Entry.objects.filter(pk=back.pk).update(created_at=NOW - timedelta(days=5))
    assert qualifying_figure(somsri, now=NOW) == 2_000
    assert tier_evaluate(somsri, NIGHT, now=NOW).new.name == "Silver"


def test_value_reads_the_lifetime_value_of_the_last_scoring(tiers, somsri, somchai):
    running("value")
    juan = make_customer(somchai, "juan")
    run = make_run()
    make_score(somsri, run, clv=Decimal("52000.50"))
    make_score(juan, run, clv=None)  # the scoring could not value him
    assert tier_evaluate(somsri, NIGHT, now=NOW).new.name == "Platinum"
    assert tier_evaluate(juan, NIGHT, now=NOW).new.name == "Member"  # a tier at 0: everyone
    assert "predicted lifetime value of ฿52,000.50" in TierChange.objects.get(customer=somsri).reason


def test_the_highest_tier_reached_wins_whatever_order_tiers_were_made_in(tiers, somsri, somchai):
    """ERPNext #22167 chose the first tier in its list whose threshold was reached: here the
    tiers were made Platinum, Member, Gold, Silver, and a naive scan stops at Member."""
    assert list(Tier.objects.values_list("name", flat=True).order_by("pk")) == [
        "Platinum",
        "Member",
        "Gold",
        "Silver",
    ]
    buy(somsri, somchai, "12000.00", NOW - timedelta(days=5))
    assert tier_evaluate(somsri, NIGHT, now=NOW).new == tiers["Gold"]
    # A threshold changed later reorders them: the new figures decide.
    tier_update(tier=tiers["Silver"], name="Silver", threshold="11000", multiplier="1.2", by=somchai)
    tier_update(tier=tiers["Gold"], name="Gold", threshold="11500", multiplier="1.5", by=somchai)
    assert tier_evaluate(somsri, NIGHT, now=NOW) is None  # Gold is still reached: nothing moves
    assert tier_of(somsri) == "Gold"


# -- moves


def test_an_upgrade_applies_at_once_for_a_whole_period_with_its_reason(tiers, somsri, somchai):
    buy(somsri, somchai, "2500.00", NOW - timedelta(days=3))
    tier_evaluate(somsri, NIGHT, now=NOW)
    buy(somsri, somchai, "8000.00", NOW - timedelta(days=1))
    move = tier_evaluate(somsri, somchai, now=NOW)
    assert (move.kind, move.old.name, move.new.name) == (UPGRADE, "Silver", "Gold")
    membership = Membership.objects.get(customer=somsri)
    assert membership.since == NOW and membership.kept_until == datetime(2025, 12, 6, 5, 0, tzinfo=UTC)
    change = TierChange.objects.filter(customer=somsri).latest("pk")
    assert (change.from_tier.name, change.to_tier.name, change.changed_at) == ("Silver", "Gold", NOW)
    assert (change.actor, change.actor_kind) == (somchai, "staff")
    assert change.reason == (
        "Reached Gold: ฿10,500.00 spent from Dec 6, 2023 to Dec 6, 2024; Gold starts at ฿10,000.00."
    )
    assert tier_evaluate(somsri, NIGHT, now=NOW) is None  # the same figure moves nothing twice
    assert TierChange.objects.filter(customer=somsri).count() == 2


def test_a_downgrade_waits_for_the_end_of_the_period_then_says_why(tiers, somsri, somchai):
    buy(somsri, somchai, "10500.00", NOW - timedelta(days=300))
    tier_evaluate(somsri, NIGHT, now=NOW)
    assert tier_of(somsri) == "Gold"
    buy(somsri, somchai, "3000.00", NOW + timedelta(days=200))
    # The Gold order leaves the window after 65 days; Gold is kept all the same until its end.
    later = NOW + timedelta(days=300)
    assert qualifying_figure(somsri, now=later) == Decimal("3000.00")
    assert tier_evaluate(somsri, NIGHT, now=later) is None
    assert tier_of(somsri) == "Gold"
    end = Membership.objects.get(customer=somsri).kept_until
    assert end == datetime(2025, 12, 6, 5, 0, tzinfo=UTC)
    assert tier_evaluate(somsri, NIGHT, now=end - timedelta(seconds=1)) is None
    move = tier_evaluate(somsri, NIGHT, now=end)
    assert (move.kind, move.old.name, move.new.name) == (DOWNGRADE, "Gold", "Silver")
    change = TierChange.objects.filter(customer=somsri).latest("pk")
    assert change.changed_at == end and change.actor_job == "tiers_evaluate_all"
    assert change.reason == (
        "The qualification period of Gold ended on Dec 6, 2025: ฿3,000.00 spent from Dec 6, 2024 to "
        "Dec 6, 2025, below the ฿10,000.00 it needs; Silver now."
    )
    membership = Membership.objects.get(customer=somsri)
    assert membership.since == end and membership.kept_until == datetime(2026, 12, 6, 5, 0, tzinfo=UTC)


def test_a_member_who_still_qualifies_at_the_end_keeps_the_tier_another_period(tiers, somsri, somchai):
    buy(somsri, somchai, "2500.00", NOW - timedelta(days=10))
    tier_evaluate(somsri, NIGHT, now=NOW)
    buy(somsri, somchai, "2500.00", NOW + timedelta(days=300))
    end = Membership.objects.get(customer=somsri).kept_until
    move = tier_evaluate(somsri, NIGHT, now=end)
    assert (move.kind, move.new.name) == (RENEW, "Silver")
    assert Membership.objects.get(customer=somsri).kept_until == months_later(end, 12)
    assert TierChange.objects.filter(customer=somsri).count() == 1  # a renewal is no move


def test_below_every_tier_at_the_end_leaves_no_tier(somchai, somsri):
    tier_create(name="Gold", threshold="1000", by=somchai)
    running(months=1)
    buy(somsri, somchai, "1000.00", NOW - timedelta(days=1))
    tier_evaluate(somsri, NIGHT, now=NOW)
    end = NOW + timedelta(days=31)
    assert tier_evaluate(somsri, NIGHT, now=end).new is None
    assert tier_of(somsri) is None and Membership.objects.get(customer=somsri).kept_until is None
    assert TierChange.objects.filter(customer=somsri).latest("pk").reason.endswith("; no tier now.")


def test_an_upgrade_issues_the_tiers_coupon_once(tiers, somsri, somchai):
    batch = CouponBatch.objects.create(name="Gold welcome", benefit="A free coffee", use="single")
    tier_update(
        tier=tiers["Gold"], name="Gold", threshold="10000", multiplier="1.5", upgrade_batch=batch, by=somchai
    )
    buy(somsri, somchai, "10000.00", NOW - timedelta(days=1))
    tier_evaluate(somsri, NIGHT, now=NOW)
    tier_evaluate(somsri, NIGHT, now=NOW + timedelta(days=1))
    coupons = Coupon.objects.filter(customer=somsri)
    assert [(coupon.batch, coupon.uses) for coupon in coupons] == [(batch, 0)]


def test_nothing_moves_while_the_programme_is_not_running(tiers, somsri, somchai):
    Programme.objects.filter(pk=1).update(active=False)
    buy(somsri, somchai, "60000.00", NOW - timedelta(days=1))
    assert tier_evaluate(somsri, NIGHT, now=NOW) is None
    assert tiers_evaluate_all(by=NIGHT, now=NOW).customers == 0
    assert not Membership.objects.exists() and tier_progress(somsri, now=NOW) is None


# -- progress


def test_progress_to_the_next_tier_says_how_much_more_by_when(tiers, somsri, somchai):
    buy(somsri, somchai, "760.00", datetime(2024, 3, 31, 3, 0, tzinfo=UTC))
    tier_evaluate(somsri, NIGHT, now=NOW)
    # A Member (kept whatever happens: it starts at 0); the March order counts until Mar 31,
    # 2025, and Silver needs 1,240 more by then.
    assert tier_of(somsri) == "Member"
    assert tier_progress(somsri, now=NOW) == "฿1,240.00 more by Mar 31, 2025 to reach Silver"
    with translation.override("th"):
        assert tier_progress(somsri, now=NOW) == "อีก ฿1,240.00 ภายใน 31 มี.ค. 2568 เพื่อขึ้นเป็น Silver"


def test_progress_to_keep_a_tier_counts_only_what_still_counts_at_the_periods_end(tiers, somsri, somchai):
    buy(somsri, somchai, "10500.00", NOW - timedelta(days=2))
    tier_evaluate(somsri, NIGHT, now=NOW)
    assert tier_of(somsri) == "Gold"
    # Gold is kept until Dec 6, 2025, and kept again then if the year to that day reaches it:
    # what was spent before the upgrade will not count by then.
    assert tier_progress(somsri, now=NOW) == "฿10,000.00 more by Dec 6, 2025 to keep Gold"
    buy(somsri, somchai, "1500.00", NOW + timedelta(days=50))
    later = NOW + timedelta(days=100)
    assert tier_progress(somsri, now=later) == "฿8,500.00 more by Dec 6, 2025 to keep Gold"
    buy(somsri, somchai, "8500.00", NOW + timedelta(days=60))
    assert tier_progress(somsri, now=later) == "฿29,500.00 more by Dec 4, 2025 to reach Platinum"


def test_progress_in_points_and_at_the_top(tiers, somsri, somchai):
    running("points")
    earned(somsri, 1_200, NOW - timedelta(days=1), "a")
    assert tier_progress(somsri, now=NOW) == "Member is reached: it applies with the next order or overnight."
    tier_evaluate(somsri, NIGHT, now=NOW)
    assert tier_progress(somsri, now=NOW) == "800 points more by Dec 5, 2025 to reach Silver"
    earned(somsri, 60_000, NOW - timedelta(hours=1), "b")
    tier_evaluate(somsri, NIGHT, now=NOW)
    assert tier_progress(somsri, now=NOW) == "50,000 points more by Dec 6, 2025 to keep Platinum"
    earned(somsri, 55_000, NOW + timedelta(hours=1), "c")
    later = NOW + timedelta(hours=2)
    assert tier_progress(somsri, now=later) == "Platinum, the highest tier, is kept until Dec 6, 2025."


# -- the nightly review, and after each order


def test_the_nightly_review_moves_everyone_as_one_evaluation_would_in_few_queries(tiers, somchai, thai_shop):
    customers = [make_customer(somchai, key) for key in ["nguyen_van_an", "sukru_isik", "somsri", "juan"]]
    an, sukru, somsri, juan = customers
    buy(an, somchai, "60000.00", NOW - timedelta(days=5))
    buy(sukru, somchai, "2500.00", NOW - timedelta(days=5))
    buy(somsri, somchai, "10500.00", NOW - timedelta(days=400))  # Gold last year, kept until now
    Membership.objects.create(
        customer=somsri,
        tier=tiers["Gold"],
        since=NOW - timedelta(days=365),
        kept_until=NOW - timedelta(hours=1),
    )
    with CaptureQueriesContext(connection) as few:
        done = tiers_evaluate_all(by=NIGHT, now=NOW, chunk=2)
    assert (done.customers, done.upgraded, done.downgraded, done.renewed) == (4, 3, 1, 0)
    assert [tier_of(c) for c in customers] == ["Platinum", "Silver", "Member", "Member"]
    changes = TierChange.objects.filter(customer=somsri).get()
    assert (changes.from_tier.name, changes.to_tier.name, changes.actor_job) == (
        "Gold",
        "Member",
        "tiers_evaluate_all",
    )
    # Per chunk of customers: a few queries, however many customers it holds.
    assert len(few) <= 4 + 2 * 12
    again = tiers_evaluate_all(by=NIGHT, now=NOW)
    assert (again.upgraded, again.downgraded) == (0, 0) and TierChange.objects.count() == 4


def test_the_nightly_review_writes_in_bulk_whatever_the_number_of_customers(tiers, somchai, thai_shop):
    for key in ["nguyen_van_an", "sukru_isik", "somsri", "juan"]:
        buy(make_customer(somchai, key), somchai, "2500.00", NOW - timedelta(days=5))
    with CaptureQueriesContext(connection) as four:
        tiers_evaluate_all(by=NIGHT, now=NOW)
    TierChange.objects.all().delete()
    Membership.objects.all().delete()
    Programme.objects.filter(pk=1).update(tier_months=12)
    with CaptureQueriesContext(connection) as one:
        tiers_evaluate_all(by=NIGHT, now=NOW, chunk=4)
    assert len(four) == len(one)
    assert Membership.objects.filter(tier=tiers["Silver"]).count() == 4


def test_an_order_moves_its_customer_at_once(tiers, somsri, somchai, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        buy(somsri, somchai, "12000.00", datetime.now(UTC) - timedelta(minutes=1))
    assert tier_of(somsri) == "Gold"
    change = TierChange.objects.get(customer=somsri)
    assert (change.actor_kind, change.actor_job) == ("system", "tier_evaluate_on_order")


# -- the tiers, as set


def test_tiers_have_unique_names_and_thresholds_and_sound_multipliers(tiers, somchai):
    for values, field in [
        ({"name": "gold", "threshold": "7000"}, "name"),
        ({"name": "  ", "threshold": "7000"}, "name"),
        ({"name": "None", "threshold": "7000"}, "name"),
        ({"name": "Bronze", "threshold": "2000.0"}, "threshold"),
        ({"name": "Bronze", "threshold": "-1"}, "threshold"),
        ({"name": "Bronze", "threshold": 1000.5}, "threshold"),  # a float: never
        ({"name": "Bronze", "threshold": "1000.12345"}, "threshold"),
        ({"name": "Bronze", "threshold": "lots"}, "threshold"),
        ({"name": "Bronze", "threshold": "500", "multiplier": "-0.5"}, "multiplier"),
        ({"name": "Bronze", "threshold": "500", "multiplier": "1.255"}, "multiplier"),
        ({"name": "Bronze", "threshold": "500", "upgrade_batch": 999}, "upgrade_batch"),
    ]:
        with pytest.raises(ValidationError) as refused:
            tier_create(by=somchai, **values)
        assert list(refused.value.message_dict) == [field], values
    assert Tier.objects.count() == 4
    bronze = tier_create(name=" Bronze ", threshold="500", multiplier="0", by=somchai)
    assert (bronze.name, bronze.multiplier) == ("Bronze", 0)


def test_only_admins_and_marketers_change_tiers(tiers, emre, lan, maria):
    for user in (emre, maria):
        with pytest.raises(PermissionDenied):
            tier_create(name="Bronze", threshold="500", by=user)
        with pytest.raises(PermissionDenied):
            tier_rules_update(basis="points", months=6, by=user)
    tier_create(name="Bronze", threshold="500", by=lan)
    tier_rules_update(basis="points", months=6, by=lan)
    programme = Programme.objects.get(pk=1)
    assert (programme.tier_basis, programme.tier_months) == ("points", 6)
    with pytest.raises(ValidationError) as refused:
        tier_rules_update(basis="visits", months=0, by=lan)
    assert sorted(refused.value.message_dict) == ["basis", "months"]


def test_a_tier_someone_is_or_was_in_cannot_be_deleted(tiers, somsri, somchai):
    buy(somsri, somchai, "2500.00", NOW - timedelta(days=1))
    tier_evaluate(somsri, NIGHT, now=NOW)
    with pytest.raises(ValidationError):
        tier_delete(tier=tiers["Silver"], by=somchai)
    tier_delete(tier=tiers["Platinum"], by=somchai)
    assert sorted(Tier.objects.values_list("name", flat=True)) == ["Gold", "Member", "Silver"]


def test_the_nightly_job_runs_at_half_past_the_scoring_hour_in_the_shops_zone(
    tiers, somsri, somchai, settings
):
    from patron.loyalty.tier_jobs import at_tiers_time, tiers_evaluate_customers, tiers_evaluate_nightly

    settings.PATRON_SCORING_HOUR = 2
    assert at_tiers_time(datetime(2024, 12, 5, 19, 30))  # 02:30 in Bangkok
    assert not at_tiers_time(datetime(2024, 12, 5, 2, 30))  # 02:30 UTC is 09:30 there
    buy(somsri, somchai, "2500.00", datetime.now(UTC) - timedelta(days=1))
    tiers_evaluate_nightly.call_local()
    change = TierChange.objects.get(customer=somsri)
    assert (change.to_tier.name, change.actor_kind, change.actor_job) == (
        "Silver",
        "system",
        "tiers_evaluate_all",
    )
    buy(somsri, somchai, "8000.00", datetime.now(UTC) - timedelta(hours=1))
    tiers_evaluate_customers.call_local([somsri.pk], requested_by=somchai.pk)
    change = TierChange.objects.filter(customer=somsri).latest("pk")
    assert (change.to_tier.name, change.actor, change.actor_job) == (
        "Gold",
        somchai,
        "tiers_evaluate_customers",
    )
