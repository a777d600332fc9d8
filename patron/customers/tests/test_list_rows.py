"""The customer list's rows say what the customer's records say, however they are read."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from patron.customers.models import ContactPoint
from patron.customers.tests.factories import make_customer
from patron.scoring.models import CustomerScore
from patron.scoring.tests.factories import make_run, make_score


@pytest.fixture
def customers(somchai, thai_shop):
    somsri = make_customer(
        somchai,
        given_name="สมศรี",
        family_name="ใจดี",
        country="TH",
        emails=["somsri@example.co.th", "s.jaidee@example.com"],
        phones=["081 234 5678", "+84 90 123 4567"],
        tags=["wholesale", "ลูกค้าประจำ", "vip"],
    )
    # The main address is not the first one saved: it is still the one shown.
    ContactPoint.objects.filter(customer=somsri, kind="email").update(is_primary=False)
    ContactPoint.objects.filter(customer=somsri, value="s.jaidee@example.com").update(is_primary=True)
    bare = make_customer(somchai, display_name="ร้านไม่มีข้อมูล", country="TH")
    foreign = make_customer(
        somchai, given_name="An", family_name="Nguyễn Văn", country="VN", phones=["+84 90 765 4321"]
    )
    run = make_run()
    for customer, segment in ((somsri, "at_risk"), (foreign, "champions")):
        make_score(
            customer,
            run,
            recency_score=1,
            frequency_score=2,
            segment=segment,
            churn_risk=0.25,
            clv=Decimal("1234.5"),
        )
    return [somsri, bare, foreign]


def rows(html):
    """{customer id: the cells after the name}"""
    return {
        int(pk): re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for pk, row in re.findall(
            r'<tr>\s*(?:<td><input[^>]*></td>\s*)?<td[^>]*><a href="/customers/(\d+)/">(.*?)</tr>', html, re.S
        )
    }


@pytest.mark.parametrize("htmx", [False, True])
def test_each_row_shows_the_main_email_and_phone_all_tags_and_the_segment_in_the_users_language(
    client, somchai, customers, htmx
):
    client.force_login(somchai)
    headers = {"HX-Request": "true"} if htmx else {}
    html = client.get("/customers/", {"q": ""}, headers=headers, HTTP_ACCEPT_LANGUAGE="th").content.decode()
    shown = rows(html)
    assert set(shown) == {c.pk for c in customers}
    with translation.override("th"):
        for customer in customers:
            email, phone, _country, tags, segment, *_rest = shown[customer.pk]
            first_email = next(iter(customer.email_points), None)
            assert email == (first_email.value if first_email else "")
            first_phone = next(iter(customer.phone_points), None)
            assert bool(phone) == bool(first_phone)
            assert re.findall(r'<span class="tag">(.*?)</span>', tags) == [
                t.name for t in customer.tags.all()
            ]
            score = CustomerScore.objects.filter(customer=customer).first()
            assert (score.get_segment_display() if score else "") in segment
    assert shown[customers[0].pk][0] == "s.jaidee@example.com"
    assert shown[customers[0].pk][1] == "081 234 5678"  # a home number in the national form
    assert shown[customers[2].pk][1] == "+84 907 654 321"  # a foreign one in the international form
    assert ">มีความเสี่ยง<" in shown[customers[0].pk][4]  # "At risk"
