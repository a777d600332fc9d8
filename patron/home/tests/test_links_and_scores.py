"""Each figure links to the list of the customers it counts; value at risk and the segments
that moved come from the scoring runs; an empty workspace is shown where to start."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from patron.home.tests.shop import clock, customer, home, order, utc
from patron.scoring.models import ScoringRun, Segment
from patron.scoring.tests.factories import make_run, make_score
from patron.workspace.money import format_money

pytestmark = pytest.mark.django_db


def link(html, element_id):
    found = re.search(rf'id="{element_id}" href="([^"]+)">([^<]+)<', html)
    assert found, element_id
    return unescape(found.group(1)), found.group(2)


def listed(client, url):
    with clock():
        response = client.get(url)
    assert response.status_code == 200
    return {c.display_name for c in response.context["page"].items}


@pytest.fixture
def scored(shop):
    """ploy and anan scored: ploy likely to leave (churn risk 0.8, CLV 120.50, so 602.50 if
    still active and 482.00 at risk), anan not."""
    run = make_run()
    make_score(
        shop["ploy"],
        run,
        churn_risk=0.8,
        clv=Decimal("120.50"),
        value_at_risk=Decimal("482.00"),
        total_spend=Decimal("1250"),
        segment=Segment.AT_RISK,
    )
    make_score(
        shop["anan"],
        run,
        churn_risk=0.1,
        clv=Decimal("900"),
        repeat_purchases=0,
        purchases=1,
        segment=Segment.NEW,
    )
    return run


def test_figures_link_to_lists_of_the_customers_they_count(client, scored, lan):
    html = home(client, lan).content.decode()
    expected = {
        "fig-customers": {"ploy", "anan", "mali", "old", "noone"},
        "fig-active": {"ploy", "anan", "mali"},
        "fig-new": {"anan"},
        "fig-revenue": {"ploy", "anan"},  # bought this month (mali's refund is no purchase)
        "fig-repeat": {"ploy"},
        "fig-risk": {"ploy"},
    }
    for element_id, names in expected.items():
        url, _shown = link(html, element_id)
        assert listed(client, url) == names, element_id
    assert link(html, "fig-active")[1] == "3" and link(html, "fig-new")[1] == "1"
    assert link(html, "fig-repeat")[1] == "50%"  # one of the two scored buyers bought again


def test_value_at_risk_is_what_the_customers_likely_to_leave_would_be_worth_if_they_stayed(
    client, scored, lan
):
    """Not their lifetime value, which is small by construction: P(alive) under 30 % times
    their value if they stayed."""
    risk = home(client, lan).context["risk"]
    with translation.override("vi"):
        assert risk["at_risk"] == format_money(Decimal("482.00"), "THB", "vi")
        assert risk["spend"] == format_money(Decimal("1250"), "THB", "vi")
    assert risk["customers"] == "1"


def test_scores_from_before_value_at_risk_ask_for_a_new_scoring(client, scored, lan):
    ScoringRun.objects.filter(pk=scored.pk).update(fitted={"purchases": {}, "spend": {}})
    scored.scores.update(value_at_risk=None)
    response = home(client, lan)
    assert response.context["risk"]["at_risk"] is None
    html = response.content.decode()
    assert "Hãy chấm điểm lại khách hàng" in html  # lan reads Vietnamese
    assert link(html, "fig-risk")[1] == "1"


def test_a_scoring_without_a_spend_model_says_the_value_at_risk_is_not_known(client, scored, lan):
    ScoringRun.objects.filter(pk=scored.pk).update(fitted={"purchases": {}})
    scored.scores.update(clv=None, value_at_risk=None)
    html = home(client, lan).content.decode()
    said = html.split('id="risk"')[1].split("</section>")[0]
    assert "không ước tính được mức chi tiêu" in said and f'href="{reverse("scoring:checks")}"' in said
    assert "Hãy chấm điểm lại" not in said


def segment_columns(response):
    return response.content.decode().split('id="segments"')[1].split("</thead>")[0].count("<th ")


def test_segments_that_moved_since_the_last_scoring(client, scored, shop, lan):
    response = home(client, lan)
    first = response.context["segments"]
    assert not first["compared_on"]  # nothing to compare with yet: no column of differences
    assert segment_columns(response) == 3
    assert {row["segment"]: row["customers"] for row in first["rows"] if row["customers"] != "0"} == {
        "at_risk": "1",
        "new": "1",
    }
    scored.scores.all().delete()  # a run replaces every score
    second = make_run()
    make_score(shop["ploy"], second, segment=Segment.LOST)
    make_score(shop["anan"], second, segment=Segment.NEW)
    make_score(shop["mali"], second, segment=Segment.NEW)
    response = home(client, lan)
    assert segment_columns(response) == 4
    rows = {row["segment"]: row for row in response.context["segments"]["rows"]}
    assert (rows["at_risk"]["customers"], rows["at_risk"]["change"]) == ("0", "-1")
    assert (rows["lost"]["customers"], rows["lost"]["change"]) == ("1", "+1")
    assert (rows["new"]["customers"], rows["new"]["change"]) == ("2", "+1")
    assert rows["champions"]["change"] == "0" and not rows["champions"]["moved"]


def test_an_empty_workspace_is_shown_where_to_start(client, thai_shop, somchai):
    response = home(client, somchai)
    steps = response.context["start"]
    assert [step["done"] for step in steps] == [False, False, False, False]
    html = response.content.decode()
    assert 'id="start-here"' in html
    assert (
        html.count(f'href="{reverse("imports:list")}"') >= 2 and f'href="{reverse("scoring:value")}"' in html
    )
    try:
        people = reverse("accounts:people")
    except NoReverseMatch:
        people = None
    assert steps[3]["url"] == (people or "")


def test_start_here_leaves_once_customers_orders_and_a_scoring_are_in(client, scored, somchai):
    assert home(client, somchai).context["start"] is None


def test_start_here_marks_the_steps_done(client, thai_shop, somchai):
    order(customer("first"), utc(2026, 2, 1), "10.00")
    assert [step["done"] for step in home(client, somchai).context["start"]] == [True, True, False, False]


def test_an_analyst_is_not_offered_steps_they_may_not_take(client, thai_shop, maria):
    steps = home(client, maria).context["start"]
    assert [step["url"] for step in steps] == ["", "", "", ""]
