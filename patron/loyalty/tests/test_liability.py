"""The liability and health figures, from ledgers built with the ledger's own functions at
chosen moments: points outstanding and their value, breakage on a known history, points per
month, redemption by tier and segment, the export's cells and who may see and export them."""

import csv
import io
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from patron.accounts.services import profile_update
from patron.actors import Actor
from patron.customers.tests.factories import make_customer
from patron.home.periods import add_months, midnight
from patron.imports.rejects import restored
from patron.loyalty import liability
from patron.loyalty.ledger import (
    earn_reverse,
    points_adjust,
    points_earn,
    points_expire,
    points_redeem,
    redemption_reverse,
)
from patron.loyalty.liability_export import csv_bytes, liability_export, xlsx_file
from patron.loyalty.models import LiabilityExport, Membership, Programme, Tier
from patron.scoring.models import Segment
from patron.scoring.tests.factories import make_run, make_score
from patron.workspace.clock import business_today

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(job="loyalty_earn")


@contextmanager
def at(moment):
    """The clock at ``moment``: entries are recorded then (created_at), as the ledger writes them."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def month_start(months_ago):
    """When the business month ``months_ago`` before this one began (Asia/Bangkok)."""
    return midnight(add_months(business_today().replace(day=1), -months_ago))


def mid(months_ago):
    return month_start(months_ago) + timedelta(days=10)


def earn(customer, points, key, *, when=None, expires_at=None, available_at=None):
    with at(when or timezone.now()):
        entry, _made = points_earn(
            customer=customer,
            points=points,
            key=key,
            by=SYSTEM,
            expires_at=expires_at,
            available_at=available_at,
        )
    return entry


def redeem(customer, points, key, *, when=None):
    with at(when or timezone.now()):
        entry, _made = points_redeem(customer=customer, points=points, key=key, by=SYSTEM)
    return entry


def programme(**fields):
    Programme.objects.update_or_create(pk=1, defaults=fields)


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def analyst(maria):
    """The Analyst, reading in English."""
    profile_update(user=maria, language="en", time_zone="Asia/Manila")
    return maria


@pytest.fixture
def an(somchai, thai_shop):
    return make_customer(somchai, "nguyen_van_an")


def test_points_outstanding_are_split_and_valued_at_the_point_value(somsri, an):
    programme(point_value=Decimal("0.25"))
    now = timezone.now()
    earn(somsri, 100, "a")
    earn(somsri, 50, "pending", available_at=now + timedelta(days=7))
    earn(an, 30, "due", expires_at=now - timedelta(hours=1))
    redeem(somsri, 20, "r")

    points = liability.outstanding()

    assert (points.available, points.pending, points.due, points.total) == (80, 50, 30, 160)
    # Points past their expiry are taken tonight: not a liability.
    assert points.value == Decimal("32.50")
    # Once the nightly expiry took them, the total is what the accounts hold.
    points_expire(customer=an, by=SYSTEM)
    assert liability.outstanding().total == 130


def known_history(somsri, an):
    """Lots recorded 20 months ago: 10,000 points expiring after 12 months and 10,000 that never
    expire. 6,000 and then 3,000 are redeemed from the first (soonest-expiring first), 1,000 of the
    second redemption given back; 500 of the other lot are taken back (an order returned). The
    expiry takes the 2,000 left. A young lot, redeemed from, is not counted."""
    programme(expiry_months=12, point_value=Decimal("0.10"))
    first = earn(somsri, 10_000, "old-a", when=mid(20), expires_at=mid(8))
    kept = earn(somsri, 10_000, "old-b", when=mid(20))
    redeem(somsri, 6_000, "r1", when=mid(18))
    second = redeem(somsri, 3_000, "r2", when=mid(17))
    with at(mid(16)):
        redemption_reverse(redemption=second, points=1_000, key="back", by=SYSTEM)
        earn_reverse(earn=kept, points=500, key="returned", by=SYSTEM)
    with at(mid(7)):
        points_expire(customer=somsri, by=SYSTEM)
    earn(an, 5_000, "young", when=mid(1))
    redeem(an, 2_000, "young-r")
    return first


def test_breakage_is_expired_over_redeemed_and_expired_points_of_settled_lots(somsri, an):
    known_history(somsri, an)

    estimate = liability.breakage()

    assert (estimate.redeemed, estimate.expired) == (8_000, 2_000)
    assert estimate.basis == 10_000
    assert estimate.rate == Decimal("0.2000")
    assert estimate.cutoff == midnight(add_months(business_today(), -12))
    points = liability.outstanding()
    # somsri: 9,500 of the kept lot; an: 3,000 of the young one.
    assert points.total == 12_500
    assert points.value == Decimal("1250.00")
    assert liability.net_liability(points, estimate) == Decimal("1000.00")


def test_breakage_is_not_estimated_on_too_few_points(somsri):
    programme(expiry_months=6, point_value=Decimal("1"))
    earn(somsri, 9_000, "old", when=mid(10), expires_at=mid(4))
    redeem(somsri, 5_000, "r", when=mid(9))
    with at(mid(3)):
        points_expire(customer=somsri, by=SYSTEM)

    estimate = liability.breakage()

    assert (estimate.redeemed, estimate.expired, estimate.settled_months) == (5_000, 4_000, 6)
    assert estimate.rate is None
    assert liability.net_liability(liability.outstanding(), estimate) is None


def test_points_per_month_count_each_kind_in_the_month_it_was_recorded(somsri, an, somchai):
    known_history(somsri, an)
    with at(mid(0)):
        points_adjust(customer=an, points=-100, key="fix", reason="Counted twice", by=somchai)
        points_adjust(customer=an, points=40, key="fix2", reason="Goodwill", by=somchai)
    earn(somsri, 7, "too-old", when=mid(30))

    months = liability.per_month()

    assert len(months) == liability.MONTHS
    assert months[-1].month == business_today().replace(day=1)
    assert months[0].month == month_start(liability.MONTHS - 1).date()
    by_month = {row.month: row for row in months}

    def row(months_ago):
        return by_month[month_start(months_ago).date()]

    assert row(20).earned == 20_000
    assert (row(18).redeemed, row(17).redeemed) == (6_000, 3_000)
    assert (row(16).redeemed, row(16).taken_back) == (-1_000, 500)
    assert row(7).expired == 2_000
    assert (row(1).earned, row(0).redeemed, row(0).adjusted) == (5_000, 2_000, -60)
    assert sum(r.earned for r in months) == 25_000  # not the lot of 30 months ago
    assert row(12) == liability.Month(month_start(12).date(), 0, 0, 0, 0, 0)


def test_redemption_rate_by_tier_and_by_segment(somsri, an, somchai):
    gold = Tier.objects.create(name="Gold", threshold=1000)
    Tier.objects.create(name="Silver", threshold=100)
    Membership.objects.create(customer=somsri, tier=gold, since=timezone.now())
    make_score(an, make_run(), segment=Segment.CHAMPIONS)
    earn(somsri, 1_000, "s1", when=mid(2))
    redeem(somsri, 250, "s2", when=mid(1))
    earn(an, 400, "a1", when=mid(3))
    earn(an, 999, "a-old", when=mid(14))  # before the last 12 months
    redeem(an, 400, "a2", when=mid(2))
    given = redeem(an, 100, "a3")
    redemption_reverse(redemption=given, key="a3-back", by=SYSTEM)

    tiers = {rate.name: rate for rate in liability.by_tier()}
    segments = {rate.key: rate for rate in liability.by_segment()}

    assert list(tiers) == ["Gold", "Silver", ""]
    assert (tiers["Gold"].customers, tiers["Gold"].earned, tiers["Gold"].redeemed) == (1, 1_000, 250)
    assert tiers["Gold"].rate == Decimal("0.2500")
    assert (tiers["Silver"].customers, tiers["Silver"].rate) == (0, None)
    assert (tiers[""].customers, tiers[""].earned, tiers[""].redeemed) == (1, 400, 400)
    assert segments[Segment.CHAMPIONS].rate == Decimal("1.0000")
    assert (segments[None].customers, segments[None].earned, segments[None].redeemed) == (1, 1_000, 250)
    assert segments[Segment.LOYAL].customers == 0


def test_the_export_holds_the_figures_with_text_neutralised(somsri, an, lan):
    known_history(somsri, an)
    gold = Tier.objects.create(name='=HYPERLINK("http://x")', threshold=1)
    Membership.objects.create(customer=somsri, tier=gold, since=timezone.now())

    tables = liability_export(file_format="csv", by=lan)

    summary = dict(tables["liability"][1:])
    assert summary["currency"] == "THB"
    assert summary["points_outstanding"] == 12_500
    assert summary["liability"] == Decimal("1250.00")
    assert summary["breakage_rate"] == Decimal("0.2000")
    assert summary["liability_net_of_breakage"] == Decimal("1000.00")
    months = tables["months"]
    assert months[0] == ["month", "earned", "redeemed", "expired", "taken_back", "adjusted"]
    assert len(months) == 1 + liability.MONTHS
    tier_row = next(row for row in tables["redemption"] if row[0] == "tier" and row[1] == str(gold.pk))
    assert tier_row[2] == '\'=HYPERLINK("http://x")' and restored(tier_row[2]) == gold.name
    recorded = LiabilityExport.objects.get()
    assert (recorded.actor, recorded.file_format, recorded.months) == (lan, "csv", liability.MONTHS)

    text = csv_bytes(tables).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["points_outstanding", "12500"] in rows
    assert ["liability_net_of_breakage", "1000.00"] in rows
    assert [month_start(7).date().isoformat(), "0", "0", "2000", "0", "0"] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)

    book = load_workbook(xlsx_file(tables))
    sheet = book.worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["points_outstanding"] == 12_500
    assert values["liability"] == 1250
    months_sheet = list(book.worksheets[1].iter_rows(values_only=True))
    assert months_sheet[-1][0] == business_today().replace(day=1).isoformat()
    rates = list(book.worksheets[2].iter_rows(values_only=True))
    assert '\'=HYPERLINK("http://x")' in [row[2] for row in rates]


@pytest.mark.parametrize("username", ["somchai", "lan", "maria"])
def test_admins_marketers_and_analysts_may_export(client, staff, thai_shop, username):
    client.force_login(staff(username))
    page = client.get(reverse("loyalty:liability"))
    assert b'id="liability-export"' in page.content
    for file_format, kind in (("csv", "text/csv"), ("xlsx", "spreadsheetml")):
        response = client.get(reverse("loyalty:liability_export"), {"format": file_format})
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert response["Content-Disposition"].endswith(f'.{file_format}"')
    assert LiabilityExport.objects.filter(actor__username=username).count() == 2


def test_a_service_agent_reads_the_page_but_may_not_export(client, emre, thai_shop):
    client.force_login(emre)
    page = client.get(reverse("loyalty:liability"))
    assert page.status_code == 200
    assert b'id="nav-loyalty"' in page.content
    assert b'id="liability-export"' not in page.content
    # The counter's member lookup is linked from here for whoever serves the counter.
    assert f'href="{reverse("loyalty:card_lookup")}" id="card-lookup"'.encode() in page.content
    assert client.get(reverse("loyalty:liability_export"), {"format": "csv"}).status_code == 403
    with pytest.raises(PermissionDenied):
        liability_export(file_format="csv", by=emre)
    assert not LiabilityExport.objects.exists()


def test_an_unknown_format_is_refused_and_nothing_is_recorded(client, analyst, thai_shop):
    client.force_login(analyst)
    response = client.get(reverse("loyalty:liability_export"), {"format": "pdf"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("loyalty:liability")
    assert "Choose one of: csv, xlsx." in response.content.decode()
    assert not LiabilityExport.objects.exists()


def test_the_page_shows_the_figures_and_the_method(client, analyst, somsri, an):
    known_history(somsri, an)
    client.force_login(analyst)
    page = client.get(reverse("loyalty:liability"))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="fig-outstanding">12,500<' in text
    assert 'id="fig-breakage">20%<' in text
    assert "Based on 8,000 points redeemed and 2,000 expired." in text
    assert text.count("<rect") >= 3 * liability.MONTHS
    assert "Redemption by tier" in text and "Redemption by segment" in text


def test_the_page_says_when_there_is_too_little_history(client, analyst, somsri):
    earn(somsri, 10, "a")
    client.force_login(analyst)
    text = client.get(reverse("loyalty:liability")).content.decode()
    assert 'id="fig-breakage">—<' in text
    assert "Not enough history yet" in text
    assert 'id="no-point-value"' in text
