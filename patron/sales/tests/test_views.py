"""The order form and the status control of the customer page, through the test client."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from patron.customers.tests.factories import make_customer
from patron.sales.models import Order
from patron.sales.services import order_create, product_upsert
from patron.sales.status import order_status_change

pytestmark = pytest.mark.django_db
PLACED = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def products(somchai):
    return [
        product_upsert(sku="TEA-JASMINE", name="Jasmine tea", by=somchai),
        product_upsert(sku="TEA-OOLONG", name="Oolong tea", by=somchai),
        product_upsert(sku="CUP-CELADON", name="Celadon cup", by=somchai),
    ]


def as_user(client, user):
    client.force_login(user)
    return client


def sale(customer, **fields):
    data = {
        "placed_at": "2025-03-01T10:00",
        "channel": "store",
        "currency": "THB",
        "external_id": "",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
        "lines-0-product": "TEA-JASMINE",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "120.00",
        "lines-1-product": "celadon cup",
        "lines-1-quantity": "1",
        "lines-1-unit_price": "350",
        "lines-2-product": "",
        "lines-2-quantity": "",
        "lines-2-unit_price": "",
    }
    data.update(fields)
    return data


def said(language, message, plural=None, n=None, **values):
    """``message`` as the page says it in ``language``."""
    with translation.override(language):
        text = translation.ngettext(message, plural, n) if plural else translation.gettext(message)
    return text % values if values else text


def record_url(customer):
    return reverse("sales:record", args=[customer.pk])


def page(client, customer):
    return client.get(reverse("customers:detail", args=[customer.pk])).content.decode()


@pytest.mark.parametrize(
    ("name", "records", "changes"),
    [("somchai", True, True), ("lan", True, True), ("emre", False, False), ("maria", False, False)],
)
def test_only_roles_that_may_see_the_button_and_the_control(client, staff, somsri, name, records, changes):
    order_create(customer=somsri, placed_at=PLACED, channel="store", total="100", by=staff("somchai"))
    html = page(as_user(client, staff(name)), somsri)
    assert ('id="record-sale"' in html, "Cancel or return" in html or "change-" in html) == (records, changes)
    assert client.get(record_url(somsri)).status_code == (200 if records else 403)
    order = Order.objects.get()
    assert client.get(reverse("sales:status", args=[order.pk])).status_code == (200 if changes else 403)


def test_the_form_starts_with_the_base_currency_now_and_three_lines(client, somchai, somsri, products):
    html = as_user(client, somchai).get(record_url(somsri)).content.decode()
    assert 'name="currency" value="THB"' in html
    assert html.count('list="product-options"') == 3
    assert '<option value="TEA-JASMINE" label="Jasmine tea">' in html
    assert 'type="datetime-local"' in html


def test_a_sale_is_recorded_in_the_users_time_zone_with_products_by_sku_or_name(
    client, somchai, somsri, products
):
    response = as_user(client, somchai).post(record_url(somsri), sale(somsri, external_id="R-9"))
    assert response.status_code == 302 and response.url == reverse("customers:detail", args=[somsri.pk])
    order = Order.objects.get()
    # Somchai's time zone is Asia/Bangkok: 10:00 there is 03:00 UTC.
    assert order.placed_at == datetime(2025, 3, 1, 3, 0, tzinfo=UTC)
    assert (order.total, order.currency, order.channel, order.external_id) == (
        Decimal("590.00"),
        "THB",
        "store",
        "R-9",
    )
    assert sorted(order.lines.values_list("product__sku", "quantity")) == [
        ("CUP-CELADON", 1),
        ("TEA-JASMINE", 2),
    ]
    html = client.get(response.url).content.decode()
    assert "R-9" in html and "590.00" in html


def test_each_refusal_is_at_its_field_and_nothing_is_written(client, somchai, somsri, products):
    body = sale(
        somsri,
        **{
            "lines-0-product": "tea",
            "lines-1-quantity": "-1",
            "lines-2-product": "Teapot",
            "lines-2-quantity": "1",
            "lines-2-unit_price": "5",
        },
    )
    response = as_user(client, somchai).post(record_url(somsri), body)
    html = response.content.decode()
    assert response.status_code == 422
    many = "%(count)d product matches “%(text)s”: choose one from the list, or type its SKU."
    many_plural = "%(count)d products match “%(text)s”: choose one from the list, or type its SKU."
    assert said("th", many, many_plural, 2, count=2, text="tea") in html
    assert said("th", "No product has the SKU or name “%(text)s”.", text="Teapot") in html
    assert not Order.objects.exists()


def test_service_refusals_land_on_their_line(client, somchai, somsri, products):
    body = sale(somsri, **{"lines-1-quantity": "-1", "lines-0-unit_price": "1.005"})
    html = as_user(client, somchai).post(record_url(somsri), body).content.decode()
    assert said("th", "Must be greater than %(minimum)s.", minimum=0) in html
    precision = "%(currency)s amounts have at most %(digits)d decimal places."
    assert said("th", precision, currency="THB", digits=2) in html
    assert not Order.objects.exists()


def test_a_missing_rate_links_an_admin_to_the_rates_page(client, somchai, lan, somsri, products):
    body = sale(somsri, currency="USD")
    response = as_user(client, somchai).post(record_url(somsri), body)
    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="add-rate" href="{reverse("workspace:rates")}"' in html
    html = as_user(client, lan).post(record_url(somsri), body).content.decode()
    assert 'id="add-rate"' not in html
    assert said("vi", "Ask an Admin to add the exchange rate for that day.") in html
    assert not Order.objects.exists()


def test_an_unknown_currency_and_a_future_time_are_refused_in_the_users_language(
    client, lan, somsri, products
):
    html = (
        as_user(client, lan)
        .post(record_url(somsri), sale(somsri, currency="ABC", placed_at="2999-01-01T10:00"))
        .content.decode()
    )
    assert said("vi", "An order cannot be placed in the future.") in html
    unknown = "%(code)s is not a currency code: use an ISO 4217 code such as THB."
    assert said("vi", unknown, code="ABC") in html


def test_an_empty_form_asks_for_a_line(client, somchai, somsri):
    empty = {f"lines-{i}-{name}": "" for i in range(3) for name in ("product", "quantity", "unit_price")}
    html = as_user(client, somchai).post(record_url(somsri), sale(somsri, **empty)).content.decode()
    assert said("th", "Add at least one line: a product, its quantity and its unit price.") in html
    assert not Order.objects.exists()


def test_add_a_line_keeps_what_was_typed(client, somchai, somsri, products):
    response = as_user(client, somchai).post(record_url(somsri), sale(somsri, add_line="1"))
    html = response.content.decode()
    assert response.status_code == 200 and not Order.objects.exists()
    assert html.count('list="product-options"') == 4
    assert 'value="celadon cup"' in html and 'value="350"' in html
    assert "errorlist" not in html


def test_product_search_answers_the_matches_as_a_datalist(client, somchai, products):
    client = as_user(client, somchai)
    html = client.get(reverse("sales:products"), {"q": "oolong"}).content.decode()
    option = '<option value="TEA-OOLONG" label="Oolong tea">Oolong tea</option>'
    assert html.strip() == f'<datalist id="product-options">{option}</datalist>'
    htmx = client.get(reverse("sales:products"), {"lines-1-product": "TEA"}, HTTP_HX_REQUEST="true")
    assert htmx.content.decode().count("<option") == 2


def status_url(order):
    return reverse("sales:status", args=[order.pk])


@pytest.fixture
def order(somchai, somsri):
    return order_create(
        customer=somsri, placed_at=PLACED, channel="store", total="1000.00", external_id="R-1", by=somchai
    )


def test_a_partial_return_asks_for_confirmation_then_is_made(client, somchai, order):
    client = as_user(client, somchai)
    asked = client.post(status_url(order), {"status": "returned", "amount": "350"})
    html = asked.content.decode()
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in html
    assert not Order.objects.filter(return_of=order).exists()
    done = client.post(status_url(order), {"status": "returned", "amount": "350", "confirm": "yes"})
    assert done.status_code == 302
    assert Order.objects.get(return_of=order).total == Decimal("350.00")
    page_html = client.get(done.url).content.decode()
    assert said("th", "Return of order %(order)s recorded.", order="R-1") in page_html
    row = page_html.split(f'<tr id="order-{order.pk}">')[1].split("</tr>")[0]
    assert "350.00" in row  # what its return gave back, under its status
    assert f'id="change-{order.pk}"' in page_html  # 650.00 is left to return


def test_a_refusal_is_shown_at_its_field(client, somchai, order):
    response = as_user(client, somchai).post(
        status_url(order), {"status": "returned", "amount": "1000.01", "confirm": "yes"}
    )
    assert response.status_code == 422
    with translation.override("th"):
        said = translation.gettext("Only %(left)s %(currency)s of this order is left to return.")
    assert said % {"left": "1000.00", "currency": "THB"} in response.content.decode()
    assert not Order.objects.filter(return_of=order).exists()


def test_with_htmx_the_change_redirects_the_page_and_a_refusal_is_swapped_in(client, somchai, order):
    client = as_user(client, somchai)
    refused = client.post(
        status_url(order), {"status": "cancelled", "amount": "5", "confirm": "yes"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 200 and "<html" not in refused.content.decode()
    done = client.post(status_url(order), {"status": "cancelled", "confirm": "yes"}, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == reverse("customers:detail", args=[order.customer_id])
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    html = page(client, order.customer)
    assert f'id="change-{order.pk}"' not in html  # nothing more to change


def test_an_order_returned_in_full_shows_as_returned_with_its_return(client, somchai, order):
    client = as_user(client, somchai)
    client.post(status_url(order), {"status": "returned", "amount": "", "confirm": "yes"})
    made = Order.objects.get(return_of=order)
    html = page(client, order.customer)
    assert f'id="change-{order.pk}"' not in html and f'id="change-{made.pk}"' not in html
    assert said("th", "of order %(number)s", number="R-1") in html
    with translation.override("th"):
        assert translation.pgettext("order status", "Returned") in html
    assert Order.objects.get(pk=order.pk).status == "completed"


def test_a_confirmation_is_for_the_amount_it_showed(client, somchai, lan, order):
    client = as_user(client, lan)
    asked = client.post(status_url(order), {"status": "returned", "amount": ""}).content.decode()
    assert 'name="amount" value="1000.00"' in asked  # all that is left, when the page was drawn
    order_status_change(order=order, status="returned", amount="350", by=somchai)  # meanwhile
    late = client.post(status_url(order), {"status": "returned", "amount": "1000.00", "confirm": "yes"})
    assert late.status_code == 422
    assert said(
        "vi", "Only %(left)s %(currency)s of this order is left to return.", left="650.00", currency="THB"
    ) in (late.content.decode())
    order_status_change(order=order, status="returned", by=somchai)  # the rest, by someone else
    again = client.post(status_url(order), {"status": "returned", "amount": "650.00", "confirm": "yes"})
    html = again.content.decode()
    assert again.status_code == 422
    assert said("vi", "This order's status cannot be changed any more.") in html
    full = "This order was returned in full: nothing of it is left to cancel, refund or return."
    assert said("vi", full) in html
    assert sum(Order.objects.filter(return_of=order).values_list("total", flat=True)) == Decimal("1000.00")
