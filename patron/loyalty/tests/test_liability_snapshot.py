"""The loyalty page's figures kept between requests: the same as computed live, read by the page
and the export alike, computed again in the request while that is quick, otherwise by a job
(queued by the page, by a Marketer or an Admin, and after the night's expiry)."""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patron.accounts.services import profile_update
from patron.customers.tests.factories import make_customer
from patron.loyalty import liability, liability_snapshot
from patron.loyalty.jobs import points_expire_nightly
from patron.loyalty.liability_export import liability_export
from patron.loyalty.liability_snapshot import QUICK, from_json
from patron.loyalty.models import LiabilityExport, LiabilitySnapshot, Membership, Tier
from patron.loyalty.tests.test_liability import earn, known_history, mid, redeem
from patron.scoring.models import Segment
from patron.scoring.tests.factories import make_run, make_score
from patron.workspace.services import get_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def an(somchai, thai_shop):
    return make_customer(somchai, "nguyen_van_an")


@pytest.fixture
def analyst(maria):
    """The Analyst, reading in English."""
    profile_update(user=maria, language="en", time_zone="Asia/Manila")
    return maria


def page(client, user):
    client.force_login(user)
    response = client.get(reverse("loyalty:liability"))
    assert response.status_code == 200
    return response


def slow(minutes_ago=10):
    """As if the figures had taken long to compute (20,000,000 entries), some minutes ago."""
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    LiabilitySnapshot.objects.update(seconds=QUICK * 10, as_of=moment)


def floats(value):
    if isinstance(value, dict):
        return [f for item in value.values() for f in floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in floats(item)]
    return [value] if isinstance(value, float) else []


def test_the_figures_kept_are_those_computed_live(somsri, an):
    known_history(somsri, an)
    gold = Tier.objects.create(name="Gold", threshold=1000)
    Membership.objects.create(customer=somsri, tier=gold, since=timezone.now())
    make_score(an, make_run(), segment=Segment.CHAMPIONS)
    earn(an, 70, "pending", available_at=timezone.now() + timedelta(days=3))

    kept = liability_snapshot.compute(get_workspace())

    snapshot = LiabilitySnapshot.objects.get()
    assert floats(snapshot.figures) == []  # amounts and rates as text, points as whole numbers
    assert snapshot.figures["points"]["point_value"] == "0.1000"
    read = from_json(snapshot)
    live = liability.figures()
    assert read == kept == dataclasses.replace(live, as_of=read.as_of)
    assert read.as_of == snapshot.as_of and read.currency == "THB"
    assert (read.points.total, read.points.pending, read.points.value) == (12_570, 70, Decimal("1257.0000"))
    assert read.net == Decimal("1005.60000000")
    assert read.breakage.rate == Decimal("0.2000")
    assert [rate.name for rate in read.tiers] == ["Gold", ""]
    assert {rate.key: rate.name for rate in read.segments}[Segment.CHAMPIONS] == str(Segment.CHAMPIONS.label)


def test_a_small_ledger_is_computed_in_the_request_and_kept(
    client, analyst, somsri, an, django_capture_on_commit_callbacks
):
    known_history(somsri, an)
    with django_capture_on_commit_callbacks() as queued:
        text = page(client, analyst).content.decode()
    assert queued == []
    assert 'id="fig-outstanding">12,500<' in text and 'id="as-of"' in text and 'id="pending"' not in text
    assert LiabilitySnapshot.objects.get().figures["points"]["available"] == 12_500
    # The ledger moves: still quick, so computed again at the next view.
    earn(an, 100, "more")
    with django_capture_on_commit_callbacks() as queued:
        text = page(client, analyst).content.decode()
    assert queued == [] and 'id="fig-outstanding">12,600<' in text


def test_a_large_ledger_without_figures_says_so_and_a_job_computes_them(
    client, analyst, somsri, an, monkeypatch, django_capture_on_commit_callbacks
):
    known_history(somsri, an)
    monkeypatch.setattr("patron.loyalty.liability_snapshot.MANY_ENTRIES", 5)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = page(client, analyst)
    text = response.content.decode()
    assert len(queued) == 1  # the job, run at once in tests (PATRON_QUEUE_IMMEDIATE)
    assert 'id="pending"' in text and 'id="fig-outstanding"' not in text
    assert response.context["figures"] is None
    text = page(client, analyst).content.decode()
    assert 'id="fig-outstanding">12,500<' in text and 'id="pending"' not in text


def test_slow_figures_are_shown_as_kept_while_a_job_computes_them_once(
    client, analyst, somsri, an, django_capture_on_commit_callbacks
):
    known_history(somsri, an)
    page(client, analyst)
    slow()
    earn(an, 100, "more")
    with django_capture_on_commit_callbacks() as first:
        text = page(client, analyst).content.decode()
    assert 'id="fig-outstanding">12,500<' in text  # as kept
    assert "Newer ones are being worked out" in text
    with django_capture_on_commit_callbacks() as second:
        page(client, analyst)
    assert (len(first), len(second)) == (1, 0)
    first[0]()  # the job runs
    text = page(client, analyst).content.decode()
    assert 'id="fig-outstanding">12,600<' in text and "Newer ones" not in text


def test_slow_figures_are_computed_at_most_every_few_minutes(
    client, analyst, somsri, an, django_capture_on_commit_callbacks
):
    known_history(somsri, an)
    page(client, analyst)
    slow(minutes_ago=1)
    earn(an, 100, "more")
    with django_capture_on_commit_callbacks() as queued:
        text = page(client, analyst).content.decode()
    assert queued == [] and 'id="fig-outstanding">12,500<' in text


@pytest.mark.parametrize("username", ["somchai", "lan"])
def test_admins_and_marketers_may_have_the_figures_computed_again(
    client, staff, thai_shop, somsri, username, django_capture_on_commit_callbacks
):
    profile_update(user=staff(username), language="en")
    earn(somsri, 10, "a")
    page(client, staff(username))
    slow(minutes_ago=1)
    earn(somsri, 5, "b")
    text = page(client, staff(username)).content.decode()
    assert 'id="liability-refresh"' in text and 'id="fig-outstanding">10<' in text
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("loyalty:liability_refresh"))
    assert len(queued) == 1 and response.url == reverse("loyalty:liability")
    text = client.get(response.url).content.decode()
    assert "The figures are being worked out again" in text
    assert 'id="fig-outstanding">15<' in text


def test_a_refresh_asked_while_one_is_queued_queues_nothing(
    client, lan, somsri, django_capture_on_commit_callbacks
):
    profile_update(user=lan, language="en")
    earn(somsri, 10, "a")
    page(client, lan)
    with django_capture_on_commit_callbacks() as first:
        client.post(reverse("loyalty:liability_refresh"))
    with django_capture_on_commit_callbacks() as second:
        response = client.post(reverse("loyalty:liability_refresh"), follow=True)
    assert (len(first), len(second)) == (1, 0)
    assert "The figures are being worked out already" in response.content.decode()


@pytest.mark.parametrize("username", ["maria", "emre"])
def test_analysts_and_agents_read_the_figures_but_may_not_refresh_them(
    client, staff, thai_shop, somsri, username, django_capture_on_commit_callbacks
):
    earn(somsri, 10, "a")
    text = page(client, staff(username)).content.decode()
    assert 'id="fig-outstanding">10<' in text and 'id="as-of"' in text
    assert 'id="liability-refresh"' not in text
    with django_capture_on_commit_callbacks() as queued:
        assert client.post(reverse("loyalty:liability_refresh")).status_code == 403
    assert queued == []
    assert client.get(reverse("loyalty:liability_refresh")).status_code == 405


def test_the_export_reads_the_figures_the_page_shows(
    client, lan, somsri, an, django_capture_on_commit_callbacks
):
    known_history(somsri, an)
    page(client, lan)
    slow(minutes_ago=1)
    snapshot = LiabilitySnapshot.objects.get()
    earn(an, 100, "more")  # not in the figures kept yet

    tables = liability_export(file_format="csv", by=lan)

    summary = dict(tables["liability"][1:])
    assert summary["points_outstanding"] == 12_500
    assert summary["as_of"] == snapshot.as_of.isoformat()
    assert summary["liability"] == Decimal("1250.00")
    assert LiabilityExport.objects.get().figures_as_of == snapshot.as_of
    response = client.get(reverse("loyalty:liability_export"), {"format": "csv"})
    assert "points_outstanding,12500" in response.content.decode("utf-8-sig")


def test_no_export_while_the_figures_are_worked_out_for_the_first_time(
    client, analyst, somsri, an, monkeypatch, django_capture_on_commit_callbacks
):
    known_history(somsri, an)
    monkeypatch.setattr("patron.loyalty.liability_snapshot.MANY_ENTRIES", 5)
    client.force_login(analyst)
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(reverse("loyalty:liability_export"), {"format": "csv"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("loyalty:liability")
    text = response.content.decode()
    assert "The figures are being worked out for the first time: export them in a minute." in text
    assert len(queued) == 1 and not LiabilityExport.objects.exists()


def test_the_nightly_expiry_then_computes_the_figures(somsri, django_capture_on_commit_callbacks):
    earn(somsri, 30, "due", when=mid(14), expires_at=timezone.now() - timedelta(days=1))
    redeem(somsri, 5, "r", when=mid(13))
    with django_capture_on_commit_callbacks(execute=True) as queued:
        points_expire_nightly.call_local()
    assert len(queued) == 1
    figures = from_json(LiabilitySnapshot.objects.get())
    assert (figures.points.total, figures.points.due, figures.months[-1].expired) == (0, 0, 25)
