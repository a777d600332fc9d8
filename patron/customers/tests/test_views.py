import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from patron.customers.models import Customer
from patron.customers.services import consent_record
from patron.customers.tests.factories import make_customer
from patron.sales.services import LineData, order_create, product_upsert


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def test_add_customer_form_creates_and_redirects_to_the_customer(client, lan, thai_shop):
    client.force_login(lan)
    response = client.post(
        reverse("customers:create"),
        {
            "given_name": "Lan",
            "family_name": "Trần Thị",
            "country": "VN",
            "phones": "0912 345 678",
            "tags": "vip, new",
        },
    )
    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "customers:detail", args=[customer.pk]
    )
    assert customer.display_name == "Trần Thị Lan"
    assert [p.normalised for p in customer.phone_points] == ["+84912345678"]


def test_add_customer_form_with_bad_input_shows_errors_and_writes_nothing(client, lan, thai_shop):
    client.force_login(lan)
    response = client.post(
        reverse("customers:create"),
        {
            "display_name": "Bad",
            "phones": "12345",
            "emails": "not-mail",
            "attributes": "[1, 2]",
            "country": "XX",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"attributes", "country"} <= set(errors)
    assert Customer.objects.count() == 0


def test_service_errors_land_on_their_form_fields(client, lan, thai_shop):
    client.force_login(lan)
    response = client.post(reverse("customers:create"), {"display_name": "Bad", "phones": "12345"})
    assert "phones" in response.context["form"].errors
    assert Customer.objects.count() == 0


def test_edit_customer_form_saves_and_audits(client, emre, somsri):
    client.force_login(emre)
    response = client.post(
        reverse("customers:edit", args=[somsri.pk]),
        {
            "given_name": "สมศรี",
            "family_name": "ใจดีมาก",
            "display_name": "",
            "country": "TH",
            "phones": "081 234 5678",
        },
    )
    assert response.status_code == 302
    somsri.refresh_from_db()
    assert somsri.display_name == "สมศรี ใจดีมาก"
    assert somsri.audit_events.filter(action="update", actor=emre).exists()


def test_emptying_the_birthday_on_the_form_clears_it(client, emre, somsri):
    somsri.birthday = date(1990, 5, 1)
    somsri.save()
    client.force_login(emre)
    fields = {"given_name": "สมศรี", "family_name": "ใจดี", "country": "TH", "phones": "081 234 5678"}
    assert (
        client.post(reverse("customers:edit", args=[somsri.pk]), {**fields, "birthday": ""}).status_code
        == 302
    )
    somsri.refresh_from_db()
    assert somsri.birthday is None


def test_customer_page_shows_the_360_view(client, somchai, somsri):
    product_upsert(sku="RICE-5", name="ข้าวหอมมะลิ 5 กก.", by=somchai)
    placed = datetime(2025, 5, 1, 9, 30, tzinfo=ZoneInfo("Asia/Bangkok"))
    order_create(
        customer=somsri, placed_at=placed, channel="store", lines=[LineData("RICE-5", 2, "250")], by=somchai
    )
    order_create(
        customer=somsri, placed_at=placed, channel="web", total="99.50", status="refunded", by=somchai
    )
    consent_record(
        customer=somsri, channel="sms", purpose="marketing", granted=True, source="LINE OA", by=somchai
    )
    client.force_login(somchai)
    response = client.get(reverse("customers:detail", args=[somsri.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["totals"]["spend"] == Decimal("500.00")
    assert "ข้าวหอมมะลิ 5 กก." in html
    assert "LINE OA" in html
    assert "081 234 5678" in html  # a Thai number shown in its local form
    assert "+66812345678" in html


def test_customer_name_is_escaped_in_html(client, somchai, thai_shop):
    customer = make_customer(somchai, display_name="<script>alert(1)</script>")
    client.force_login(somchai)
    for url in [reverse("customers:detail", args=[customer.pk]), reverse("customers:list")]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_list_pages_hold_50_in_a_stable_order(client, somchai, thai_shop):
    from patron.customers.services import CustomerData, customer_create

    for number in range(120):
        customer_create(data=CustomerData(display_name=f"Customer {number:03}"), by=somchai)
    client.force_login(somchai)
    seen, url = [], reverse("customers:list")
    while url:
        response = client.get(url)
        page = response.context["page"]
        seen += [c.pk for c in page.items]
        assert len(page.items) <= 50
        url = f"{reverse('customers:list')}?cursor={page.next}" if page.next else None
    assert len(seen) == 120 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_bad_cursor_shows_a_message_not_an_error_page(client, somchai, thai_shop):
    client.force_login(somchai)
    response = client.get(reverse("customers:list"), {"cursor": "!!nonsense"})
    assert response.status_code == 200
    assert response.context["error"]


def test_adding_a_known_phone_attaches_to_the_existing_customer_and_says_so(client, lan, somsri):
    client.force_login(lan)
    response = client.post(
        reverse("customers:create"),
        {"display_name": "Somsri J.", "phones": "+66812345678", "tags": "line"},
        follow=True,
    )
    assert Customer.objects.count() == 1
    assert response.redirect_chain[-1][0] == reverse("customers:detail", args=[somsri.pk])
    assert [str(m) for m in response.context["messages"]][0].startswith("สมศรี ใจดี")


def test_consent_form_comes_with_nothing_chosen(client, somchai, somsri):
    client.force_login(somchai)
    form = client.get(reverse("customers:detail", args=[somsri.pk])).context["consent_form"]
    assert [form[name].value() for name in ("channel", "purpose", "granted")] == [None, None, None]
    html = client.get(reverse("customers:detail", args=[somsri.pk])).content.decode()
    consent_form = html.split('id="id_channel"')[1].split("</form>")[0]
    assert re.findall(r'<option value="([^"]*)" selected>', consent_form) == ["", "", ""]


@pytest.mark.parametrize("left_out", ["channel", "purpose", "granted"])
def test_consent_form_sent_without_a_choice_records_nothing_and_says_what_to_choose(
    client, lan, somsri, left_out
):
    client.force_login(lan)
    chosen = {"channel": "email", "purpose": "marketing", "granted": "yes", "source": "counter"}
    url = reverse("customers:consent", args=[somsri.pk])
    response = client.post(url, chosen | {left_out: ""}, follow=True)
    assert not somsri.consent_events.exists() and not somsri.consents.exists()
    said = {  # lan reads Vietnamese
        "channel": "Chọn kênh mà sự đồng ý này áp dụng.",
        "purpose": "Chọn mục đích của sự đồng ý này.",
        "granted": "Chọn khách hàng đã đồng ý hay đã rút lại sự đồng ý.",
    }
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [said[left_out]]


def test_consent_form_records_exactly_what_was_chosen(client, lan, somsri):
    client.force_login(lan)
    client.post(
        reverse("customers:consent", args=[somsri.pk]),
        {"channel": "sms", "purpose": "service", "granted": "no", "source": "call"},
    )
    consent = somsri.consents.get()
    assert (consent.channel, consent.purpose, consent.granted) == ("sms", "service", False)
