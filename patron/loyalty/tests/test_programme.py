"""The programme's rules: one row, changed by Admins and Marketers only, each bad value refused
with its message and nothing written; the programme page, read-only for the other roles."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from patron.loyalty.models import EarnRule, Programme
from patron.loyalty.programme import earn_rule_add, earn_rule_remove, programme_get, programme_update

pytestmark = pytest.mark.django_db
URL = "/loyalty/programme/"


def errors(call):
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


def test_one_programme_made_on_first_use_not_running(thai_shop):
    programme = programme_get()
    assert (programme.pk, programme.active, programme_get().pk) == (1, False, 1)
    assert Programme.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "may"), [("somchai", True), ("lan", True), ("emre", False), ("maria", False)]
)
def test_admins_and_marketers_change_the_programme(staff, thai_shop, name, may):
    change = lambda: programme_update(by=staff(name), active=True, points_per_unit="0.5")  # noqa: E731
    if may:
        programme = change()
        assert (programme.active, programme.points_per_unit, programme.updated_by) == (
            True,
            Decimal("0.5"),
            staff(name),
        )
    else:
        with pytest.raises(PermissionDenied):
            change()
        with pytest.raises(PermissionDenied):
            earn_rule_add(applies_to="sku", value="TEA-1", multiplier="2", by=staff(name))
        assert not programme_get().active


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"points_per_unit": "-1"}, "points_per_unit", "Give a number of 0 or more."),
        ({"points_per_unit": "0.12345"}, "points_per_unit", "Give at most 4 decimal places."),
        ({"points_per_unit": 0.1}, "points_per_unit", "0.1 is not a number."),
        ({"points_per_unit": "abc"}, "points_per_unit", "abc is not a number."),
        ({"points_per_unit": "NaN"}, "points_per_unit", "Give a number of 0 or more."),
        ({"birthday_multiplier": "1.255"}, "birthday_multiplier", "Give at most 2 decimal places."),
        ({"pending_days": -3}, "pending_days", "Give a whole number of 0 or more."),
        ({"first_purchase_bonus": "ten"}, "first_purchase_bonus", "Give a whole number of 0 or more."),
        ({"expires_on": "soon"}, "expires_on", "Give a date such as 2027-03-31."),
        (
            {"expiry_months": 12, "expires_on": date(2027, 3, 31)},
            "expiry_months",
            "Points expire either a number of months after they are earned or on a date, not both.",
        ),
    ],
)
def test_bad_values_are_refused_with_their_message_and_nothing_changes(
    lan, thai_shop, values, field, message
):
    before = programme_get()
    assert errors(lambda: programme_update(by=lan, active=True, **values)) == {field: [message]}
    after = Programme.objects.get()
    assert (after.active, after.points_per_unit, after.updated_at) == (
        False,
        before.points_per_unit,
        before.updated_at,
    )


def test_a_refusal_in_the_users_language(lan, thai_shop):
    with translation.override("th"):
        found = errors(lambda: programme_update(by=lan, points_per_unit="0.12345"))
    assert found["points_per_unit"] != ["Give at most 4 decimal places."]


def test_earning_rules_one_per_sku_or_category(lan, thai_shop):
    rule = earn_rule_add(applies_to="category", value="  tea ", multiplier="2.5", by=lan)
    assert (rule.value, rule.multiplier) == ("tea", Decimal("2.5"))
    assert errors(lambda: earn_rule_add(applies_to="category", value="tea", multiplier="3", by=lan)) == {
        "value": ["There is already a rule for tea: remove it first."]
    }
    assert "applies_to" in errors(
        lambda: earn_rule_add(applies_to="brand", value="x", multiplier="2", by=lan)
    )
    assert "multiplier" in errors(lambda: earn_rule_add(applies_to="sku", value="x", multiplier="-2", by=lan))
    assert "value" in errors(lambda: earn_rule_add(applies_to="sku", value=" ", multiplier="2", by=lan))
    assert earn_rule_remove(rule=rule.pk, by=lan) and not EarnRule.objects.exists()


def test_the_page_saves_the_settings_for_a_marketer(client, lan, thai_shop):
    client.force_login(lan)
    html = client.get(URL).content.decode()
    assert 'id="programme-form"' in html and 'id="rule-form"' in html
    form = {
        "active": "on",
        "name": "Tea points",
        "points_per_unit": "0.1",
        "point_value": "0.25",
        "pending_days": "14",
        "expiry_months": "12",
        "expires_on": "",
        "first_purchase_bonus": "50",
        "birthday_multiplier": "2",
        "referral_bonus": "100",
    }
    response = client.post(URL, form)
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert (programme.active, programme.name, programme.pending_days, programme.expiry_months) == (
        True,
        "Tea points",
        14,
        12,
    )
    response = client.post(URL, form | {"expires_on": "2027-03-31", "points_per_unit": "0.3"})
    assert response.status_code == 200
    with translation.override("vi"):  # Lan reads Vietnamese
        both = translation.gettext(
            "Points expire either a number of months after they are earned or on a date, not both."
        )
    assert "không được chọn cả hai" in both and both in response.content.decode()
    assert Programme.objects.get().points_per_unit == Decimal("0.1")  # nothing written

    response = client.post(
        reverse("loyalty:rule_add"), {"applies_to": "sku", "value": "TEA-1", "multiplier": "2"}
    )
    assert response.status_code == 302
    rule = EarnRule.objects.get()
    html = client.get(URL).content.decode()
    assert 'id="earn-rules"' in html and "TEA-1" in html and 'class="table-scroll"' in html
    assert client.post(reverse("loyalty:rule_remove", args=[rule.pk])).status_code == 302
    assert not EarnRule.objects.exists()


@pytest.mark.parametrize("name", ["emre", "maria"])
def test_other_roles_read_the_page_but_cannot_change_it(client, staff, lan, thai_shop, name):
    rule = earn_rule_add(applies_to="sku", value="TEA-1", multiplier="2", by=lan)
    client.force_login(staff(name))
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "TEA-1" in html and 'id="read-only"' in html
    assert 'id="rule-form"' not in html and "disabled" in html
    assert client.post(URL, {"active": "on", "points_per_unit": "5"}).status_code == 403
    assert (
        client.post(
            reverse("loyalty:rule_add"), {"applies_to": "sku", "value": "X", "multiplier": "2"}
        ).status_code
        == 403
    )
    assert client.post(reverse("loyalty:rule_remove", args=[rule.pk])).status_code == 403
    assert EarnRule.objects.count() == 1 and not programme_get().active


def test_the_form_shows_numbers_without_trailing_zeros(client, lan, thai_shop):
    programme_update(by=lan, points_per_unit="0.1", point_value="100")
    client.force_login(lan)
    html = client.get(URL).content.decode()
    assert 'value="0.1"' in html and 'value="100"' in html and "0.1000" not in html
