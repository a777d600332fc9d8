"""Scores where marketers look: the customer list's filters and order, the customer page's reasons."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from patron.demo.generator import generate_shop
from patron.scoring.models import CustomerScore
from patron.scoring.reasons import score_reasons
from patron.scoring.services import customers_score
from patron.web.dates import format_day

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def scored(django_db_setup, django_db_blocker):
    """One demo shop, scored once for the module (rolled back at its end)."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection.set_autocommit(False)
        try:
            yield _scored()
        finally:
            connection.rollback()
            connection.set_autocommit(True)


def _scored():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from patron.workspace.models import Workspace

    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "ร้าน", "country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    boss = get_user_model().objects.create_user("boss", password="x" * 12)
    boss.groups.add(Group.objects.get(name="Admin"))
    generate_shop("TH", 1000, seed=5)
    customers_score(by=boss)
    return boss


def shown(response):
    return response.context["page"].items


def test_the_list_filters_by_segment_churn_and_value(client, scored):
    client.force_login(scored)
    at_risk = client.get("/customers/", {"segment": "at_risk"})
    expected = CustomerScore.objects.filter(segment="at_risk").count()
    assert expected and len(shown(at_risk)) == min(expected, 50)
    assert {c.score.segment for c in shown(at_risk)} == {"at_risk"} and "At risk" in at_risk.content.decode()
    high = shown(client.get("/customers/", {"churn": "high", "sort": "churn"}))
    assert len(high) == min(CustomerScore.objects.filter(churn_risk__gte=0.7).count(), 50)
    risks = [c.score.churn_risk for c in high]
    assert min(risks) >= 0.7 and risks == sorted(risks, reverse=True)
    rich = shown(client.get("/customers/", {"min_clv": "5000"}))
    assert len(rich) == min(CustomerScore.objects.filter(clv__gte=5000).count(), 50)
    assert all(c.score.clv >= 5000 for c in rich)


def test_sorting_by_value_pages_through_every_scored_customer_once(client, scored):
    client.force_login(scored)
    seen, cursor, pages = [], None, 0
    while True:
        response = client.get("/customers/", {"sort": "clv", **({"cursor": cursor} if cursor else {})})
        page = response.context["page"]
        seen += [(c.score.clv, c.pk) for c in page.items]
        cursor, pages = page.next, pages + 1
        if not cursor:
            break
    assert len(seen) == CustomerScore.objects.exclude(clv=None).count() and pages > 1
    assert len(set(seen)) == len(seen)
    assert seen == sorted(seen, reverse=True)


def test_a_bad_cursor_is_told_not_crashed(client, scored):
    client.force_login(scored)
    response = client.get("/customers/", {"sort": "clv", "cursor": "bm9uc2Vuc2U"})
    assert response.status_code == 200
    assert "This cursor is not valid" in response.content.decode()


def test_the_customer_page_gives_the_scores_in_plain_words(client, scored):
    client.force_login(scored)
    score = CustomerScore.objects.exclude(clv=None).filter(repeat_purchases__gte=2).order_by("-clv").first()
    page = client.get(f"/customers/{score.customer_id}/").content.decode()
    assert "likely still active" in page and "expected to spend" in page and "in the next 12 months" in page
    assert f"{score.repeat_purchases} repeat purchases in" in page
    assert score.get_segment_display() in page and f"RFM {score.rfm}" in page


def test_an_unscored_customer_says_so(client, somchai, thai_shop):
    from patron.customers.tests.factories import make_customer

    client.force_login(somchai)
    customer = make_customer(somchai, "somsri")
    assert "ยังไม่มีคะแนน" in client.get(f"/customers/{customer.pk}/").content.decode()  # somchai reads Thai


def reasons(**fields):
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    defaults = {
        "last_purchase": now - timedelta(days=214),
        "first_purchase": now - timedelta(days=800),
        "repeat_purchases": 7,
        "p_alive": 0.23,
        "clv": Decimal("4199.60"),
    }
    return score_reasons(SimpleNamespace(**(defaults | fields)), "THB", now=now)


def test_reasons_read_like_the_issue_example():
    assert reasons() == [
        "last purchase 214 days ago",
        "7 repeat purchases in 2 years",
        "23% likely still active",
        "expected to spend ฿4,200 in the next 12 months",
    ]
    assert reasons(
        last_purchase=datetime(2026, 11, 23, 1, tzinfo=UTC),
        repeat_purchases=1,
        first_purchase=datetime(2026, 9, 1, tzinfo=UTC),
        p_alive=None,
        clv=None,
    ) == [
        "last purchase today",
        "1 repeat purchase in 2 months",
    ]


def test_reasons_speak_the_users_language():
    with translation.override("th"):
        thai = reasons()
    assert thai != reasons() and "฿4,200" in thai[3]


def test_the_value_page_and_its_checks_tab(client, scored):
    client.force_login(scored)
    page = client.get("/value/")
    assert page.status_code == 200
    assert "Run by: boss (staff)." in page.content.decode()
    grid = page.context["grid"]
    assert sum(cell["customers"] for row in grid for cell in row["cells"]) == CustomerScore.objects.count()
    assert [row["recency"] for row in grid] == [5, 4, 3, 2, 1]
    assert (
        sum(band["customers"] for band in page.context["bands"])
        == CustomerScore.objects.exclude(clv=None).count()
    )
    assert all(s.monetary_score >= 4 for s in page.context["at_risk"])
    risks = [s.churn_risk for s in page.context["at_risk"]]
    assert risks == sorted(risks, reverse=True)
    checks = client.get("/value/checks/")
    assert checks.status_code == 200
    tracking = checks.context["tracking_chart"]
    assert len(tracking["labels"]) == len(tracking["series"][0]["data"]) == len(tracking["series"][1]["data"])
    assert len(checks.context["holdout_chart"]["labels"]) == 8
    end = checks.context["run"].checks["calibration_end"]  # ISO, shown in the reader's calendar
    assert f"Fitted on purchases up to {format_day(end, language='en')};" in checks.content.decode()


def test_value_pages_need_the_permission(client, somchai, thai_shop):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="x" * 12)
    client.force_login(nobody)
    assert client.get("/value/").status_code == 403
    assert client.post("/value/score/").status_code == 403


@pytest.mark.parametrize(
    "query", [{"min_clv": "-5"}, {"min_clv": "lots"}, {"churn": "extreme"}, {"sort": "age"}]
)
def test_bad_value_filters_are_told_and_list_nothing(client, scored, query):
    client.force_login(scored)
    response = client.get("/customers/", query)
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Some filters are not valid" in response.content.decode()
