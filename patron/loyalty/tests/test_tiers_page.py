"""The tiers page (/loyalty/tiers/), and the tier, points and card filters of the one customer
filter: the list page, GET /api/customers and the JSON form read them alike."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patron.actors import Actor
from patron.conftest import with_token
from patron.customers.filters import customer_filters
from patron.customers.selectors import customer_list
from patron.customers.tests.factories import make_customer
from patron.loyalty.ledger import points_earn
from patron.loyalty.models import Card, Membership, Programme, Tier
from patron.loyalty.tiers import tier_create, tier_evaluate
from patron.sales.services import order_create
from patron.workspace.money import format_money

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(job="tiers_evaluate_all")


@pytest.fixture
def tiers(somchai, thai_shop):
    Programme.objects.update_or_create(pk=1, defaults={"active": True, "tier_basis": "spend"})
    return {
        name: tier_create(name=name, threshold=at, by=somchai)
        for name, at in [("Gold", 10_000), ("Silver", 2_000)]
    }


@pytest.fixture
def members(tiers, somchai):
    """Somsri in Gold with a card and 600 points; An in Silver with 100; Juan in no tier."""
    made = {key: make_customer(somchai, key) for key in ["somsri", "nguyen_van_an", "juan"]}
    placed = timezone.now() - timedelta(days=3)
    for key, total in [("somsri", "12000.00"), ("nguyen_van_an", "2500.00")]:
        order_create(customer=made[key], placed_at=placed, channel="store", total=total, by=somchai)
        tier_evaluate(made[key], SYSTEM)
    points_earn(customer=made["somsri"], points=600, key="s", by=SYSTEM)
    points_earn(customer=made["nguyen_van_an"], points=100, key="a", by=SYSTEM)
    Card.objects.create(customer=made["somsri"], number="M000001")
    return made


def names(customers):
    return sorted(customer.display_name for customer in customers)


def test_the_page_lists_tiers_lowest_first_with_their_members(client, lan, members):
    client.force_login(lan)
    response = client.get("/loyalty/tiers/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Silver") < page.index("Gold")
    assert [
        (tier.name, count) for tier, _text in response.context["tiers"] for count in [tier.member_count]
    ] == [
        ("Silver", 1),
        ("Gold", 1),
    ]
    assert '<div class="table-scroll">' in page and 'id="tier-form"' in page
    assert (
        format_money(10_000, "THB", "vi") == "10.000,00\xa0฿" and "10.000,00\xa0฿" in page
    )  # as Lan reads it


def test_a_marketer_adds_changes_and_deletes_a_tier(client, lan, tiers):
    client.force_login(lan)
    response = client.post(
        "/loyalty/tiers/", {"tier-name": "Platinum", "tier-threshold": "50000", "tier-multiplier": "2"}
    )
    assert response.status_code == 302
    platinum = Tier.objects.get(name="Platinum")
    assert (platinum.threshold, platinum.multiplier) == (50_000, 2)
    response = client.post(
        "/loyalty/tiers/",
        {"tier": platinum.pk, "tier-name": "Platinum", "tier-threshold": "40000", "tier-multiplier": "2.5"},
    )
    assert response.status_code == 302 and Tier.objects.get(pk=platinum.pk).threshold == 40_000
    assert client.get(f"/loyalty/tiers/?edit={platinum.pk}").context["form"].initial["threshold"] == "40000"
    response = client.post("/loyalty/tiers/", {"tier": platinum.pk, "delete": ""})
    assert response.status_code == 302 and not Tier.objects.filter(pk=platinum.pk).exists()


def test_bad_input_on_the_page_is_refused_with_its_reason_and_changes_nothing(client, lan, tiers):
    client.force_login(lan)
    response = client.post(
        "/loyalty/tiers/", {"tier-name": "gold", "tier-threshold": "2000", "tier-multiplier": "-1"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    with translation.override("vi"):  # Lan's language
        assert errors["name"] == [_("There is already a tier named %(name)s.") % {"name": "gold"}]
        said = _("%(tier)s is already reached at this figure: give each tier its own.") % {"tier": "Silver"}
        assert errors["threshold"] == [said] and "Silver" in said and "gold" not in said
    assert "multiplier" in errors
    response = client.post("/loyalty/tiers/", {"rules": "", "rules-basis": "visits", "rules-months": "0"})
    assert response.status_code == 200 and set(response.context["rules"].errors) == {"basis", "months"}
    assert Tier.objects.count() == 2
    assert Programme.objects.values_list("tier_basis", "tier_months").get() == ("spend", 12)


def test_a_tier_with_members_is_not_deleted(client, somchai, members, tiers):
    client.force_login(somchai)
    response = client.post("/loyalty/tiers/", {"tier": tiers["Gold"].pk, "delete": ""}, follow=True)
    with translation.override("th"):
        said = _("%(tier)s has or had members, whose history names it: it cannot be deleted.")
    assert said % {"tier": "Gold"} in response.content.decode()
    assert Tier.objects.filter(pk=tiers["Gold"].pk).exists()


def test_the_rules_of_tiers_are_set_on_the_page(client, lan, tiers):
    client.force_login(lan)
    response = client.post("/loyalty/tiers/", {"rules": "", "rules-basis": "points", "rules-months": "6"})
    assert response.status_code == 302
    assert Programme.objects.values_list("tier_basis", "tier_months").get() == ("points", 6)


def test_other_roles_read_the_page_but_change_nothing(client, emre, maria, tiers):
    for user in (emre, maria):
        client.force_login(user)
        response = client.get("/loyalty/tiers/")
        assert response.status_code == 200 and 'id="tier-form"' not in response.content.decode()
        response = client.post(
            "/loyalty/tiers/", {"tier-name": "Bronze", "tier-threshold": "500", "tier-multiplier": "1"}
        )
        assert response.status_code == 403
    assert not Tier.objects.filter(name="Bronze").exists()


def test_the_page_speaks_the_readers_language(client, staff, tiers):
    client.force_login(staff("somchai"))  # Thai
    page = client.get("/loyalty/tiers/").content.decode()
    assert "ระดับสมาชิกและจำนวนสมาชิก" in page and "เพิ่มระดับสมาชิก" in page


# -- the customer filter


def test_the_page_the_api_and_the_json_form_filter_by_tier_points_and_card(client, somchai, members):
    client.force_login(somchai)
    api = with_token(client, somchai)
    expected = {
        "tier=Gold": ["สมศรี ใจดี"],
        "tier=gold": ["สมศรี ใจดี"],
        "tier=none": ["Juan dela Cruz"],
        "min_points=100": ["Nguyễn Văn An", "สมศรี ใจดี"],
        "min_points=500": ["สมศรี ใจดี"],
        "has_card=yes": ["สมศรี ใจดี"],
        "has_card=no": ["Juan dela Cruz", "Nguyễn Văn An"],
        "tier=Silver&has_card=no&min_points=50": ["Nguyễn Văn An"],
    }
    for query, listed in expected.items():
        values = dict(part.split("=") for part in query.split("&"))
        page = names(client.get("/customers/", values).context["page"].items)
        from_api = api.get("/api/customers", values)
        assert from_api.status_code == 200, from_api.content
        assert page == sorted(item["display_name"] for item in from_api.json()["items"]) == listed, query
        selection = customer_filters.parse(values)
        stored = json.loads(json.dumps(selection.to_json()))
        assert customer_filters.from_json(stored) == selection
        assert names(customer_list(customer_filters.from_json(stored))) == listed
    assert customer_filters.parse({"min_points": "500"}).to_json() == {"min_points": 500}
    assert Membership.objects.count() == 2


def test_bad_filter_values_are_refused_with_a_clear_message(client, somchai, members):
    api = with_token(client, somchai)
    for query, says in [
        ({"tier": "Bronze"}, "There is no tier Bronze."),
        ({"min_points": "0"}, "Give a whole number of points of at least 1, such as 500."),
        ({"min_points": "1.5"}, "Give a whole number of points of at least 1, such as 500."),
        ({"has_card": "maybe"}, "Choose one of: yes, no."),
    ]:
        with pytest.raises(ValidationError) as refused:
            customer_filters.parse(query)
        assert refused.value.message_dict == {next(iter(query)): [says]}
        assert api.get("/api/customers", query).status_code == 422, query
    with pytest.raises(ValidationError):
        customer_filters.from_json({"min_points": "500"})  # a number, as JSON holds it


def test_the_api_documents_the_filters(client, somchai, thai_shop):
    parameters = with_token(client, somchai).get("/api/openapi.json").json()["paths"]["/api/customers"]["get"]
    documented = {p["name"]: p["schema"] for p in parameters["parameters"]}
    assert documented["min_points"]["type"] == "integer" and documented["min_points"]["minimum"] == 1
    assert documented["has_card"]["enum"] == ["yes", "no"]
    assert documented["tier"]["type"] == "string"
