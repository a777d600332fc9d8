"""The ladder's pages, API and customer filter, and who may do what."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.ladder import derivation, services
from patron.ladder.models import HandEvidence, Move, Rule, RuleChange, Stage, Standing
from patron.ladder.tests.test_derivation import NOW, orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(somchai, thai_shop):
    """An (customer: one repeat purchase this year), Juan (client: two), Somsri (prospect)."""
    an, juan, somsri = (make_customer(somchai, key) for key in ["nguyen_van_an", "juan", "somsri"])
    orders(an, 30, 60)
    orders(juan, 10, 40, 70)
    derivation.derive_all(now=NOW)
    return {"an": an, "juan": juan, "somsri": somsri}


def test_the_ladder_page_shows_funnel_moves_and_one_step(client, maria, shop):
    client.force_login(maria)  # an Analyst reads it
    page = client.get(reverse("ladder:ladder"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-stage="client"' in html and "Hagdan ng katapatan" in html  # maria reads Filipino
    funnel = {row["code"]: row["customers"] for row in page.context["funnel"]}
    assert (funnel["prospect"], funnel["customer"], funnel["client"]) == (1, 1, 1)
    assert [(m.up, m.down) for m in page.context["months"]] == [(2, 0)]
    # An needs one more repeat purchase in 12 months for client.
    assert [p.pk for p in page.context["people"]] == [shop["an"].pk]
    assert str(shop["an"]) in html
    # Juan, a client, needs one positive answer or compliment for supporter; no supporter yet.
    assert client.get(reverse("ladder:ladder"), {"from": "client"}).context["people"] == [shop["juan"]]
    assert client.get(reverse("ladder:ladder"), {"from": "supporter"}).context["people"] == []
    assert client.get(reverse("ladder:ladder"), {"from": "partner"}).status_code == 404
    assert reverse("ladder:ladder") in client.get(reverse("scoring:value")).content.decode()


def test_the_customer_panel_shows_stage_rule_and_evidence(client, lan, shop):
    client.force_login(lan)
    html = client.get(reverse("customers:detail", args=[shop["juan"].pk])).content.decode()
    assert 'data-stage="client"' in html
    assert "Lần mua lại: ít nhất 2, trong 12 tháng qua" in html  # lan reads Vietnamese
    assert 'data-code="purchase"' in html and 'id="hand-evidence"' in html
    prospect = client.get(reverse("customers:detail", args=[shop["somsri"].pk])).content.decode()
    assert 'data-stage="prospect"' in prospect and "Chưa có bằng chứng." in prospect


def test_evidence_by_hand_from_the_page(client, lan, emre, shop, django_capture_on_commit_callbacks):
    url = reverse("ladder:hand_evidence", args=[shop["somsri"].pk])
    day = timezone.localdate().isoformat()
    client.force_login(emre)  # a Service agent may not
    assert client.post(url, {"kind": "contract", "day": day}).status_code == 403
    client.force_login(lan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "contract", "day": day, "note": "Three-year supply"})
    assert response.status_code == 302
    assert HandEvidence.objects.get(customer=shop["somsri"]).recorded_by == lan
    assert Standing.objects.get(customer=shop["somsri"]).stage == Stage.PARTNER
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    client.post(url, {"kind": "idea", "day": tomorrow})
    assert HandEvidence.objects.count() == 1


def test_rules_page_read_by_all_changed_by_admins(
    client, somchai, lan, shop, django_capture_on_commit_callbacks
):
    client.force_login(lan)
    page = client.get(reverse("ladder:rules"))
    assert page.status_code == 200 and "rule-form-client" not in page.content.decode()
    url = reverse("ladder:rule_change", args=[Stage.CLIENT])
    form = {"r2-codes": ["purchase"], "r2-min_count": "1", "r2-window_months": "12"}
    assert client.post(url, form).status_code == 403
    client.force_login(somchai)
    assert "rule-form-client" in client.get(reverse("ladder:rules")).content.decode()
    bad = client.post(url, {"r2-codes": ["nonsense"], "r2-min_count": "0"})
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 302
    change = RuleChange.objects.get()
    assert (change.changed_by, change.min_count, change.window_months) == (somchai, 1, 12)
    # Everyone derived again: An's purchases this year now make a client.
    assert Standing.objects.get(customer=shop["an"]).stage == Stage.CLIENT
    assert Move.objects.filter(customer=shop["an"], why="rules").exists()


def test_rule_validation():
    with pytest.raises(ValidationError) as error:
        services.rule_check(["purchase", "gossip"], 0, 500)
    assert set(error.value.message_dict) == {"codes", "min_count", "window_months"}
    assert services.rule_check(["review", "purchase", "review"], 2, None) == (["purchase", "review"], 2, None)


def test_the_api(client, somchai, lan, shop, django_capture_on_commit_callbacks):
    api = with_token(client, lan)
    funnel = api.get("/api/ladder/funnel").json()
    assert [row["customers"] for row in funnel["stages"]][:3] == [1, 1, 1]
    standing = api.get(f"/api/ladder/customers/{shop['juan'].pk}").json()
    assert standing["stage"] == "client" and standing["rule"]["min_count"] == 2
    purchases, repeats = standing["evidence"][:2]
    assert (purchases["code"], purchases["count"], purchases["within"]) == ("purchase", 3, {})
    assert (repeats["code"], repeats["count"], repeats["within"]) == ("repeat_purchase", 2, {"12": 2})
    assert api.get("/api/ladder/customers/999999").status_code == 404
    listed = api.get("/api/customers", {"stage": "client"}).json()["items"]
    assert [item["id"] for item in listed] == [shop["juan"].pk]
    prospects = api.get("/api/customers", {"stage": "prospect"}).json()["items"]
    assert [item["id"] for item in prospects] == [shop["somsri"].pk]
    assert api.get("/api/customers", {"stage": "royalty"}).status_code == 422
    rule = {"codes": ["purchase"], "min_count": 4, "window_months": None}
    assert api.put("/api/ladder/rules/client", rule, content_type="application/json").status_code == 403
    admin = with_token(client, somchai)
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin.put("/api/ladder/rules/client", rule, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["changed_by"] == "somchai"
    assert Rule.objects.get(stage=Stage.CLIENT).min_count == 4
    assert Standing.objects.get(customer=shop["juan"]).stage == Stage.CUSTOMER
    wrong = admin.put("/api/ladder/rules/client", {**rule, "codes": []}, content_type="application/json")
    assert wrong.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        made = admin.post(
            f"/api/ladder/customers/{shop['somsri'].pk}/evidence",
            {"kind": "review", "at": NOW.isoformat()},
            content_type="application/json",
        )
    assert made.status_code == 201
    assert api.get(f"/api/ladder/customers/{shop['somsri'].pk}").json()["stage"] == "advocate"


def test_services_refuse_without_the_role(emre, shop):
    with pytest.raises(PermissionDenied):
        services.rule_change(by=emre, stage=Stage.CLIENT, codes=["purchase"], min_count=1, window_months=None)
    with pytest.raises(PermissionDenied):
        services.hand_evidence_record(by=emre, customer=shop["an"], kind="contract", at=NOW)
