"""Scoring every customer from the database: what is stored, who may, and what is refused."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.demo.generator import generate_shop
from patron.sales.models import Order
from patron.sales.services import order_create
from patron.scoring.models import CustomerScore, ScoringRun, Segment
from patron.scoring.services import customers_score

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(somchai, thai_shop):
    generate_shop("TH", 1000, seed=5)


def buy(customer, by, when, total, status=Order.Status.COMPLETED):
    return order_create(
        customer=customer, placed_at=when, channel="store", total=Decimal(total), by=by, status=status
    )


def test_every_buyer_gets_every_score(shop, lan):
    run = customers_score(by=lan)
    buyers = Order.objects.filter(status=Order.Status.COMPLETED).values("customer").distinct().count()
    assert run.status == ScoringRun.Status.DONE and run.note == ""
    assert run.customers == CustomerScore.objects.count() == buyers
    assert set(run.fitted) == {"purchases", "spend"}
    assert run.fitted["purchases"]["model"] == "bgnbd" and run.fitted["purchases"]["loglik"] < 0
    assert set(run.fitted["purchases"]["standard_errors"]) == {"r", "alpha", "a", "b"}
    for score in CustomerScore.objects.all():
        if score.repeat_purchases:
            assert 0 <= score.p_alive <= 1 and score.churn_risk == pytest.approx(1 - score.p_alive)
            # CLV is P(alive) times the value if alive, the value at risk the rest of it.
            if_alive = score.clv + score.value_at_risk
            assert float(score.clv) == pytest.approx(score.p_alive * float(if_alive), abs=1e-3)
        else:  # BG/NBD says nothing about a one-time buyer's churn (P(alive) = 1 by construction)
            assert score.p_alive is None and score.churn_risk is None and score.value_at_risk is None
        assert score.expected_purchases_90d >= 0 and score.clv >= 0 and 1 <= score.value_decile <= 10
        assert score.segment in Segment.values
        assert score.first_purchase <= score.last_purchase
        assert score.purchases == score.repeat_purchases + 1
    top = CustomerScore.objects.order_by("-clv").first()
    assert top.value_decile == 1


def test_returns_net_and_cancellations_do_not_count(somchai, lan, thai_shop):
    ann, bo = make_customer(somchai, "nguyen_van_an"), make_customer(somchai, "juan")
    start = datetime(2025, 1, 6, 3, tzinfo=UTC)  # 10:00 in Bangkok
    for week in range(0, 40, 4):
        buy(ann, somchai, start + timedelta(weeks=week), "100.00")
    buy(ann, somchai, start + timedelta(weeks=8, hours=2), "30.00", Order.Status.RETURNED)  # same day
    buy(ann, somchai, start + timedelta(weeks=9), "500.00", Order.Status.CANCELLED)
    buy(bo, somchai, start, "80.00")
    buy(bo, somchai, start + timedelta(weeks=2), "60.00")
    customers_score(by=lan)
    scored = CustomerScore.objects.get(customer=ann)
    assert (scored.purchases, scored.repeat_purchases) == (10, 9)
    assert scored.total_spend == Decimal("970.0000")
    assert scored.first_purchase == start and scored.last_purchase == start + timedelta(weeks=36)


def test_a_shop_without_repeat_buyers_gets_rfm_and_a_reason(somchai, lan, thai_shop):
    for key in ("nguyen_van_an", "juan", "somsri"):
        buy(make_customer(somchai, key), somchai, datetime(2025, 3, 1, tzinfo=UTC), "50.00")
    run = customers_score(by=lan)
    assert run.status == ScoringRun.Status.DONE and "No customer has bought twice" in run.note
    assert run.fitted == {}
    scores = list(CustomerScore.objects.all())
    assert len(scores) == 3 and all(s.p_alive is None and s.clv is None for s in scores)
    assert {s.segment for s in scores} <= set(Segment.values)


def test_a_new_run_replaces_the_scores(shop, lan):
    first = customers_score(by=lan)
    second = customers_score(by=lan)
    assert CustomerScore.objects.count() == second.customers == first.customers
    assert set(CustomerScore.objects.values_list("run", flat=True)) == {second.pk}


def test_only_who_may_score_can(shop, emre, maria):
    with pytest.raises(PermissionDenied):
        customers_score(by=maria)  # an analyst reads scores
    with pytest.raises(PermissionDenied):
        customers_score(by=emre)
    assert not CustomerScore.objects.exists()


def test_patron_score_reports_json(shop, lan, capsys):
    call_command("score", "--json", "--as", "lan")
    report = json.loads(capsys.readouterr().out)
    assert report["customers"] == CustomerScore.objects.count() > 0
    assert set(report["models"]["purchases"]["params"]) == {"r", "alpha", "a", "b"}


def test_the_api_lists_scores_and_segments_for_an_analyst(client, shop, lan, maria, emre):
    customers_score(by=lan)
    api = with_token(client, maria)
    page = api.get("/api/scores", {"segment": "champions", "limit": 200}).json()
    assert page["items"] and all(item["segment"] == "champions" for item in page["items"])
    one = page["items"][0]
    assert api.get(f"/api/scores/{one['customer']}").json()["rfm"] == one["rfm"]
    risky = api.get("/api/scores", {"min_churn_risk": "0.5", "limit": 200}).json()["items"]
    assert all(item["churn_risk"] >= 0.5 for item in risky)
    segments = api.get("/api/segments").json()
    assert sum(s["customers"] for s in segments) == CustomerScore.objects.count()
    assert sum(s["revenue_share"] for s in segments) == pytest.approx(1.0)
    runs = api.get("/api/scoring-runs").json()["items"]
    assert runs[0]["fitted"]["spend"]["model"] == "gammagamma"
    assert api.get("/api/scores", {"segment": "best"}).status_code == 422
    assert api.post("/api/scoring-runs").status_code == 403  # analysts read
    assert with_token(client, lan).post("/api/scoring-runs").status_code == 202  # the client is lan's now


def test_an_import_that_adds_orders_scores_the_customers(
    somchai, thai_shop, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "orders.csv"
    rows = ["order,customer_id,name,date,total"]
    for i in range(60):
        for k in range(1 + i % 4):
            rows.append(
                f"O{i}-{k},C{i},Customer {i},2025-{1 + (i + 3 * k) % 12:02d}-{1 + k * 7:02d},{100 + i * k}.00"
            )
    path.write_text("\n".join(rows) + "\n")
    # The scoring is asked for once the import's orders are committed (the test's transaction
    # never is, so its commit callbacks are run here).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import", "orders", str(path), "--source", "shop", "--as", "somchai", "--json")
    run = ScoringRun.objects.get()
    assert run.status == ScoringRun.Status.DONE and run.orders == len(rows) - 1
    assert CustomerScore.objects.count() == 60
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import", "orders", str(path), "--source", "shop", "--as", "somchai", "--json")
    assert ScoringRun.objects.count() == 1  # nothing new: no new scoring


@pytest.mark.django_db
def test_scoring_runs_every_night_at_the_set_hour_of_the_workspaces_zone(thai_shop, settings):
    from patron.scoring.jobs import score_customers_nightly

    settings.PATRON_SCORING_HOUR = 2
    task = score_customers_nightly.task_class()
    # huey asks in naive UTC; 2:00 in Bangkok is 19:00 UTC the day before.
    assert task.validate_datetime(datetime(2026, 11, 23, 19, 0))
    assert not task.validate_datetime(datetime(2026, 11, 23, 19, 1))
    assert not task.validate_datetime(datetime(2026, 11, 24, 2, 0))


def test_replacing_the_scores_keeps_the_tables_indexes_and_keys(shop, lan):
    from django.db import connection

    customers_score(by=lan)
    customers_score(by=lan)
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, CustomerScore._meta.db_table)
    names = set(constraints)
    assert {"score_segment_clv", "score_clv", "score_churn"} <= names
    foreign = {tuple(c["foreign_key"]) for c in constraints.values() if c["foreign_key"]}
    assert {("customers_customer", "id"), ("scoring_scoringrun", "id")} <= foreign


def test_a_fit_starts_from_the_last_runs_parameters(shop, lan):
    first = customers_score(by=lan)
    second = customers_score(by=lan)
    for role in ("purchases", "spend"):
        assert second.fitted[role]["params"] == pytest.approx(first.fitted[role]["params"], rel=1e-4)


def test_a_model_without_finite_predictions_leaves_rfm_alone_and_says_why(thai_shop):
    """a = 1 makes BG/NBD's expected purchases infinite: the scores keep RFM, not infinities."""
    import polars as pl

    from patron import analytics
    from patron.scoring.services import UNUSABLE, _scores

    orders = pl.DataFrame(
        {
            "customer": [1, 1, 2, 3, 3, 3],
            "time": [datetime(2025, 1, d) for d in (1, 20, 5, 2, 9, 30)],
            "amount": [10.0, 20.0, 5.0, 7.0, 8.0, 9.0],
        }
    )
    summary = analytics.summarise(orders, period="week", grain="day", observation_end="2025-03-01")
    run = ScoringRun(note="")
    model = analytics.BetaGeo({"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 2.0})
    scores = _scores(summary, model, None, "Asia/Bangkok", run)
    assert scores["p_alive"].null_count() == scores.height == 3
    assert scores["segment"].null_count() == 0
    assert run.note == UNUSABLE
