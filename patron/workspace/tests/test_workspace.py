import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from patron.workspace.services import get_workspace, workspace_update


def test_admin_changes_the_workspace(somchai, thai_shop):
    workspace_update(by=somchai, country="VN", currency="VND", time_zone="Asia/Ho_Chi_Minh")
    workspace = get_workspace()
    assert (workspace.country, workspace.currency, workspace.time_zone) == ("VN", "VND", "Asia/Ho_Chi_Minh")


def test_only_admins_change_the_workspace(lan, thai_shop):
    with pytest.raises(PermissionDenied):
        workspace_update(by=lan, currency="USD")


def test_bad_workspace_input_is_refused_whole(somchai, thai_shop):
    with pytest.raises(ValidationError) as caught:
        workspace_update(by=somchai, country="XX", currency="ABC", time_zone="Mars/Olympus", name="")
    assert set(caught.value.message_dict) == {"country", "currency", "time_zone", "name"}
    assert get_workspace().currency == "THB"


def test_workspace_page_saves_for_an_admin(client, somchai, thai_shop):
    client.force_login(somchai)
    response = client.post(
        reverse("workspace:settings"),
        {
            "name": "Istanbul Shop",
            "country": "TR",
            "currency": "TRY",
            "time_zone": "Europe/Istanbul",
            "upload_retention_days": "30",
        },
    )
    assert response.status_code == 302
    assert get_workspace().currency == "TRY"


def test_times_are_shown_in_the_users_zone(client, emre, thai_shop):
    from datetime import UTC, datetime

    from patron.customers.tests.factories import make_customer
    from patron.interactions.services import interaction_log

    customer = make_customer(emre, "juan")
    moment = datetime(2025, 1, 1, 0, 30, tzinfo=UTC)
    interaction_log(
        by=emre, customer=customer, channel="phone", direction="inbound", subject="Hours", occurred_at=moment
    )
    client.force_login(emre)  # emre works in Europe/Istanbul (UTC+3); the shop is in Bangkok (UTC+7)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "03:30" in html and "07:30" not in html


@pytest.mark.django_db
def test_currency_fields_check_codes_against_babel_when_validated():
    from django.forms import modelform_factory

    from patron.workspace.models import ExchangeRate

    rate = ExchangeRate(currency="QQQ", date="2024-03-05", rate="1.5")
    with pytest.raises(ValidationError) as caught:
        rate.full_clean()
    assert list(caught.value.message_dict) == ["currency"]
    ExchangeRate(currency="USD", date="2024-03-05", rate="35.1").full_clean()
    form = modelform_factory(ExchangeRate, fields=["currency", "date", "rate"])()
    offered = [value for value, _ in form.fields["currency"].widget.choices]
    assert {"THB", "VND", "TRY", "PHP"} <= set(offered) and "QQQ" not in offered
