"""Each value screen says one thing, checked over every customer of two demo shops and of the
CDNOW sample (imported as a shop would import it): the customer page's value card, the
customer list, the churn filters and the API never contradict one another or the segment."""

import csv
import html
import re
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from itertools import groupby

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone

from patron.analytics.tests.cdnow import CDNOW, OBSERVATION_END
from patron.customers.selectors import customer_list
from patron.demo.generator import generate_shop
from patron.scoring.api import score_out
from patron.scoring.filters import CHURN_BANDS
from patron.scoring.models import CustomerScore, Segment
from patron.scoring.reasons import score_reasons
from patron.scoring.selectors import valuable_at_risk
from patron.scoring.services import customers_score
from patron.workspace.models import Workspace

pytestmark = pytest.mark.django_db

LAPSED = {Segment.LOST, Segment.HIBERNATING, Segment.AT_RISK, Segment.CANT_LOSE}


def _cdnow_shop(boss, folder):
    """The CDNOW sample through `patron import orders`, its dates moved so that its last day of
    observation is yesterday: 2,357 customers, a third of them repeat buyers."""
    shift = timezone.localdate() - timedelta(days=1) - date.fromisoformat(OBSERVATION_END)
    path = folder / "cdnow-orders.csv"
    with CDNOW.open() as source, path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["order no", "customer id", "customer name", "date", "total"])
        for number, row in enumerate(csv.DictReader(source)):
            day = date(int(row["date"][:4]), int(row["date"][4:6]), int(row["date"][6:])) + shift
            customer = row["customer"]
            writer.writerow([f"CD{number}", customer, f"CDNOW {customer}", day.isoformat(), row["amount"]])
    call_command("import", "orders", str(path), "--source", "cdnow", "--country", "US", "--as", boss.username)


SHOPS = {
    "thai demo shop": ("TH", "THB", "Asia/Bangkok", lambda boss, folder: generate_shop("TH", 1500, seed=5)),
    "vietnamese demo shop": (
        "VN",
        "VND",
        "Asia/Ho_Chi_Minh",
        lambda boss, folder: generate_shop("VN", 1500, seed=5),
    ),
    "cdnow sample": ("US", "USD", "UTC", _cdnow_shop),
}


@pytest.fixture(scope="module", params=list(SHOPS))
def shop(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """A shop, scored once for the module's tests (rolled back at its end)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    country, currency, zone, fill = SHOPS[request.param]
    with django_db_blocker.unblock():
        connection.set_autocommit(False)
        try:
            Workspace.objects.update_or_create(
                pk=1, defaults={"name": "Shop", "country": country, "currency": currency, "time_zone": zone}
            )
            boss = get_user_model().objects.create_user("boss", password="x" * 12)
            boss.groups.add(Group.objects.get(name="Admin"))
            fill(boss, tmp_path_factory.mktemp("shop"))
            run = customers_score(by=boss)
            assert run.fitted, run.note  # the models fit on every shop: churn risk is there to show
            yield boss
        finally:
            connection.rollback()
            connection.set_autocommit(True)


@pytest.fixture(scope="module")
def cards(shop):
    """(score, the value card as the customer page shows it) for every scored customer."""
    workspace = Workspace.objects.get()
    shown = []
    for score in CustomerScore.objects.select_related("run", "customer"):
        context = {
            "customer": score.customer,
            "score": score,
            "reasons": score_reasons(score, workspace.currency),
            "workspace": workspace,
        }
        shown.append((score, html.unescape(render_to_string("scoring/_value_card.html", context))))
    return shown


def shown(pattern, card):
    found = re.search(pattern, card, re.S)
    return found and found.group(1).strip()


def percent(text):
    return int(text.rstrip("%")) if text and re.fullmatch(r"\d+%", text) else None


def test_the_shop_has_one_time_and_repeat_buyers_in_lapsed_segments(shop):
    """The checks below bite: each shop has the cases the issue saw."""
    scores = CustomerScore.objects.all()
    assert scores.filter(repeat_purchases=0, segment=Segment.LOST).exists()
    assert scores.filter(repeat_purchases=0).exclude(segment=Segment.LOST).exists()
    assert scores.filter(repeat_purchases__gt=0, segment__in=LAPSED).exists()
    assert scores.count() > 1000


def test_one_time_buyers_have_no_churn_risk_on_any_screen(shop, cards, client):
    """BG/NBD gives them P(alive) = 1 whatever their recency: no screen shows it as 0% risk."""
    for score, card in cards:
        churn = shown(r'id="churn-risk"[^>]*>(.*?)</dd>', card)
        if score.repeat_purchases == 0:
            assert churn == "not estimated: one purchase so far", (score.customer_id, card)
            assert "likely still active" not in card
            assert score_out(score)["churn_risk"] is None and score_out(score)["p_alive"] is None
        else:
            assert percent(churn) is not None, (score.customer_id, card)
    one_time = CustomerScore.objects.filter(repeat_purchases=0).values("customer_id")
    for band in CHURN_BANDS:
        assert not customer_list(churn=band).filter(pk__in=one_time).exists()
    assert all(s.repeat_purchases for s in valuable_at_risk(limit=1000))
    client.force_login(shop)
    page = client.get("/customers/", {"segment": "lost"}).content.decode()
    assert 'title="not estimated: one purchase so far">—<' in page


def test_no_lapsed_customer_reads_as_safe(shop, cards):
    """The issue's case: a customer in a lapsed segment shown with churn risk 0%."""
    for score, card in cards:
        if score.segment in LAPSED:
            churn = percent(shown(r'id="churn-risk"[^>]*>(.*?)</dd>', card))
            assert churn is None or churn > 0, (score.customer_id, card)


def test_churn_risk_and_likely_still_active_add_up_to_all(shop, cards):
    for score, card in cards:
        churn = percent(shown(r'id="churn-risk"[^>]*>(.*?)</dd>', card))
        alive = shown(r"(\d+)% likely still active", card)
        assert (churn is None) == (alive is None), card
        if churn is not None:
            assert abs(churn + int(alive) - 100) <= 1, card
            out = score_out(score)
            assert out["churn_risk"] == pytest.approx(1 - out["p_alive"])


def test_a_more_recent_buyer_never_has_a_higher_churn_risk_or_a_lower_recency_score(shop):
    """Within customers of the same purchases and first day, the segment's recency and the
    model's churn risk rank them the same way."""
    scores = CustomerScore.objects.filter(repeat_purchases__gt=0).order_by(
        "repeat_purchases", "first_purchase", "last_purchase"
    )
    compared = 0
    for _key, group in groupby(scores, key=lambda s: (s.repeat_purchases, s.first_purchase.date())):
        group = list(group)
        for earlier, later in zip(group, group[1:], strict=False):
            if later.last_purchase.date() > earlier.last_purchase.date():
                assert later.churn_risk <= earlier.churn_risk + 1e-9
                assert later.recency_score >= earlier.recency_score
                compared += 1
    assert compared > 10


def test_value_rank_in_words_agrees_with_lifetime_value(shop, cards):
    """Decile 2 reads "in the top 20%": fewer than a fifth of customers have more CLV; decile 8
    "in the bottom 30%": fewer than 30% have less. Decile 1 is the top, never read as the bottom."""
    values = sorted(CustomerScore.objects.exclude(clv=None).values_list("clv", flat=True))
    n = len(values)
    words = {}
    for score, card in cards:
        rank = shown(r'id="value-rank">(.*?)</span>', card)
        if score.clv is None:  # no spend model this run: no value, so no rank by value either
            assert rank is None
            continue
        words[score.value_decile] = rank
        share = int(re.fullmatch(r"in the (?:top|bottom) (\d+)% by lifetime value", rank).group(1))
        ahead, behind = n - bisect_right(values, score.clv), bisect_left(values, score.clv)
        if rank.startswith("in the top"):
            assert score.value_decile <= 5 and share == score.value_decile * 10
            assert ahead < share * n / 100, (score.customer_id, rank, ahead)
        else:
            assert score.value_decile >= 6 and share == (11 - score.value_decile) * 10
            assert behind < share * n / 100, (score.customer_id, rank, behind)
    if n:
        assert words[1] == "in the top 10% by lifetime value"
        assert CustomerScore.objects.exclude(clv=None).order_by("-clv").first().value_decile == 1


def test_the_customer_page_shows_the_same_card(shop, client):
    """The page includes the card the checks above read, for a customer of every segment."""
    client.force_login(shop)
    for segment in CustomerScore.objects.values_list("segment", flat=True).distinct():
        for repeat in (False, True):
            scores = CustomerScore.objects.filter(segment=segment)
            scores = scores.filter(repeat_purchases__gt=0) if repeat else scores.filter(repeat_purchases=0)
            score = scores.order_by("customer_id").first()
            if score is None:
                continue
            page = html.unescape(client.get(f"/customers/{score.customer_id}/").content.decode())
            churn = shown(r'id="churn-risk"[^>]*>(.*?)</dd>', page)
            assert (churn == "not estimated: one purchase so far") == (not repeat), page
            assert f"RFM {score.rfm}" in page and score.get_segment_display() in page
