"""The home page's figures against a shop small enough to count by hand (Asia/Bangkok)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from patron.home.tests.shop import NOW, clock, home, order
from patron.jobs.models import FailedJob
from patron.sales.events import announce_changed
from patron.sales.models import Order
from patron.workspace.money import format_money

pytestmark = pytest.mark.django_db


def test_customers_active_and_new_are_counted_in_bangkok_months(client, shop, lan):
    people = home(client, lan).context["people"]
    assert people["customers"] == "5"
    assert people["active"] == "3"  # ploy, anan, mali; old bought 14 months ago
    assert people["new"] == "1"  # anan: ploy bought before, mali's purchase is February's


def test_revenue_is_net_spend_per_bangkok_month(client, shop, lan):
    revenue = home(client, lan).context["revenue"]
    with translation.override("vi"):
        # March: 250 + 400 - 50 (the return); the refund and the cancelled order count nothing.
        assert revenue["now"] == format_money(Decimal("600"), "THB", "vi")
        last, year_before = revenue["compared"]
        assert last["amount"] == format_money(Decimal("300"), "THB", "vi")  # mali at 23:59 on 28 Feb
        assert year_before["amount"] == format_money(Decimal("1000"), "THB", "vi")  # March 2025
    assert last["change"] == "+100%" and not last["down"]
    assert year_before["change"] == "-40%" and year_before["down"]
    assert len(revenue["bars"]) == 13
    assert revenue["bars"][-1].height == 32 * 600 / 1000 and revenue["bars"][0].height == 32


def test_the_page_is_in_the_readers_language_and_the_base_currency(client, shop, somchai):
    html = home(client, somchai).content.decode()
    assert format_money(Decimal("600"), "THB", "th") in html
    assert "ลูกค้า" in html  # Customers, in Thai
    assert "มีนาคม 2569" in html  # March 2026, in the Buddhist era Thai readers count in


def test_a_role_that_may_not_see_orders_gets_no_revenue(client, shop):
    clerk = get_user_model().objects.create_user("clerk", password="clerk-pass-2024")
    group = Group.objects.create(name="Front desk")
    group.permissions.add(
        Permission.objects.get(codename="view_customer", content_type__app_label="customers")
    )
    clerk.groups.add(group)
    response = home(client, clerk)
    assert "revenue" not in response.context and "people" in response.context
    assert "risk" not in response.context and "admin" not in response.context
    assert 'id="fig-revenue"' not in response.content.decode()


def test_a_user_without_any_right_sees_no_figure(client, shop):
    nobody = get_user_model().objects.create_user("nobody", password="nobody-pass-2024")
    response = home(client, nobody)
    assert not {"people", "revenue", "risk", "segments", "admin"} & set(response.context.keys())


def test_only_admins_see_imports_and_failed_jobs(client, shop, somchai, lan, emre, maria):
    assert "admin" in home(client, somchai).context
    for user in (lan, emre, maria):
        assert "admin" not in home(client, user).context


def test_a_changed_order_is_counted_at_once(client, shop, lan, django_capture_on_commit_callbacks):
    home(client, lan)
    refunded = Order.objects.get(status="refunded")
    with django_capture_on_commit_callbacks(execute=True):
        Order.objects.filter(pk=refunded.pk).update(status="completed")
        announce_changed([refunded.pk])  # what the status service announces
    with translation.override("vi"):
        assert home(client, lan).context["revenue"]["now"] == format_money(Decimal("1500"), "THB", "vi")


def test_a_new_order_is_counted_at_once(client, shop, lan):
    home(client, lan)
    with clock():
        order(shop["noone"], NOW, "10.00")
    people = home(client, lan).context["people"]
    assert (people["active"], people["new"]) == ("4", "2")


@pytest.mark.parametrize("failed", [2, 6])
def test_admins_see_how_many_jobs_failed_and_the_latest(client, shop, somchai, failed):
    for i in range(failed):
        FailedJob.objects.create(task_id=f"t{i}", name=f"job {i}", error="boom")
    admin = home(client, somchai).context["admin"]
    assert admin["failed_total"] == failed and len(admin["failed"]) == min(failed, 5)
