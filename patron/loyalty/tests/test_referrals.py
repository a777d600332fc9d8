"""Referrals on the customer page and through the API: the form picks the referrer by the
customer search and records through earning.referral_record, refusals in the page's words;
the panel and GET list whom a customer referred, paid or not; the same rights as the service."""

from decimal import Decimal

import pytest
from django.urls import reverse

from patron.accounts.services import profile_update, token_create
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.loyalty.models import Referral
from patron.loyalty.programme import programme_update
from patron.loyalty.referral_views import picked_label
from patron.loyalty.tests.shop import *  # noqa: F403  (the fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan(staff):
    """The Marketer, reading in English."""
    user = staff("lan")
    profile_update(user=user, language="en")
    return user


@pytest.fixture
def emre(staff):
    """The Service agent, reading in English."""
    user = staff("emre")
    profile_update(user=user, language="en")
    return user


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


@pytest.fixture
def bonus(somchai, thai_shop):
    return programme_update(by=somchai, active=True, points_per_unit=Decimal("0.1"), referral_bonus=200)


def detail(client, customer):
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def refer(client, referred, text):
    return client.post(reverse("loyalty:referral", args=[referred.pk]), {"referrer": text})


def test_the_form_records_the_referrer_picked_and_the_panels_show_it(
    client, emre, somsri, juan, bonus, record
):
    client.force_login(emre)  # a Service agent changes customers
    text = detail(client, juan)
    assert 'id="referral-form"' in text and 'list="referrer-options"' in text
    response = refer(client, juan, picked_label(somsri))
    assert response.status_code == 302
    assert response.url == reverse("customers:detail", args=[juan.pk]) + "#referrals"
    referral = Referral.objects.get()
    assert (referral.referrer, referral.referred, referral.actor) == (somsri, juan, emre)
    text = detail(client, juan)
    assert 'id="referred-by"' in text and somsri.display_name in text
    assert 'id="referral-form"' not in text
    assert "bonus not paid yet" in text
    text = detail(client, somsri)
    assert 'id="referrals-made"' in text and juan.display_name in text and "bonus not paid yet" in text
    record(juan, total="100")  # the first completed order pays the referrer
    text = detail(client, somsri)
    assert "bonus of 200 points paid on" in text and "bonus not paid yet" not in text


def test_typed_text_names_the_one_customer_the_search_finds(client, lan, somsri, juan):
    client.force_login(lan)
    assert refer(client, juan, "somsri@example.co.th").status_code == 302
    assert Referral.objects.get().referrer == somsri


def test_typed_text_that_names_nobody_or_several_is_refused(client, somchai, lan, somsri, juan):
    make_customer(somchai, display_name="Somsri Kaewta")
    client.force_login(lan)
    response = refer(client, juan, "nobody-like-this")
    assert response.status_code == 422
    assert "No customer matches “nobody-like-this”." in response.content.decode()
    response = refer(client, juan, "somsri")
    assert "Several customers match “somsri”: pick one from the list." in response.content.decode()
    response = refer(client, juan, "Someone (#987654321)")
    assert "There is no customer number 987654321." in response.content.decode()
    assert not Referral.objects.exists()


def test_the_services_refusals_are_said_on_the_page(client, somchai, lan, somsri, juan, programme, record):
    client.force_login(lan)
    response = refer(client, juan, picked_label(juan))
    assert response.status_code == 422
    assert "A customer cannot refer themselves." in response.content.decode()
    refer(client, juan, picked_label(somsri))
    response = refer(client, juan, picked_label(somsri))
    assert "This customer&#x27;s referral is recorded already." in response.content.decode()
    record(somsri, total="100")
    response = refer(client, somsri, picked_label(juan))
    assert "This customer has bought already" in response.content.decode()
    old = make_customer(somchai, display_name="Juan D. Cruz")
    customer_merge(survivor=juan, merged=old, by=somchai)
    fresh = make_customer(somchai, display_name="Ana Reyes")
    response = refer(client, fresh, picked_label(old))
    assert "This customer was merged into another one." in response.content.decode()
    assert Referral.objects.count() == 1


def test_suggestions_come_from_the_customer_search(client, emre, somsri, juan):
    client.force_login(emre)
    response = client.get(reverse("loyalty:referrers"), {"referrer": "juan"})
    text = response.content.decode()
    assert response.status_code == 200 and text.startswith('<datalist id="referrer-options">')
    assert f'value="{picked_label(juan)}"' in text and somsri.display_name not in text
    assert "<option" not in client.get(reverse("loyalty:referrers"), {"q": ""}).content.decode()


def test_analysts_read_referrals_but_may_not_record_them(client, maria, somchai, somsri, juan):
    Referral.objects.create(referrer=somsri, referred=juan, actor=somchai, actor_kind="staff")
    client.force_login(maria)
    text = detail(client, somsri)
    assert 'id="referrals-made"' in text and 'id="referral-form"' not in text
    other = make_customer(somchai, display_name="Ana Reyes")
    assert 'id="referral-form"' not in detail(client, other)
    assert refer(client, other, picked_label(somsri)).status_code == 403
    assert Referral.objects.count() == 1


# -- the API


def api(client, user, method, path, body=None):
    _token, secret = token_create(user=user, name="tests")
    kwargs = {"content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(f"/api{path}", body, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)


def test_the_api_records_a_referral_and_lists_them_paid_or_not(client, emre, somsri, juan, bonus, record):
    response = api(client, emre, "post", f"/customers/{juan.pk}/loyalty/referral", {"referrer": somsri.pk})
    assert response.status_code == 201
    body = response.json()
    assert (body["referrer"], body["referred"], body["paid"], body["paid_points"]) == (
        somsri.pk,
        juan.pk,
        False,
        None,
    )
    listed = api(client, emre, "get", f"/customers/{somsri.pk}/loyalty/referrals").json()
    assert [item["referred"] for item in listed["items"]] == [juan.pk] and listed["next"] is None
    record(juan, total="100")
    item = api(client, emre, "get", f"/customers/{somsri.pk}/loyalty/referrals").json()["items"][0]
    assert (item["paid"], item["paid_points"]) == (True, 200) and item["paid_at"]
    assert api(client, emre, "get", f"/customers/{juan.pk}/loyalty/referrals").json()["items"] == []


def test_the_api_says_the_services_refusals_with_422(client, lan, somsri, juan, programme, record):
    path = f"/customers/{juan.pk}/loyalty/referral"
    response = api(client, lan, "post", path, {"referrer": juan.pk})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "referrer"],
            "msg": "A customer cannot refer themselves.",
            "type": "value_error",
        }
    ]
    assert api(client, lan, "post", path, {"referrer": somsri.pk}).status_code == 201
    response = api(client, lan, "post", path, {"referrer": somsri.pk})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["path", "customer_id"] and "recorded already" in detail["msg"]
    record(somsri, total="100")
    response = api(client, lan, "post", f"/customers/{somsri.pk}/loyalty/referral", {"referrer": juan.pk})
    assert response.status_code == 422 and "bought already" in response.json()["detail"][0]["msg"]
    assert api(client, lan, "post", path, {"referrer": "5"}).status_code == 422  # an id is a number
    assert Referral.objects.count() == 1


def test_the_api_answers_404_for_unknown_customers(client, lan, somsri):
    missing = 987654321
    response = api(client, lan, "post", f"/customers/{missing}/loyalty/referral", {"referrer": somsri.pk})
    assert response.status_code == 404
    response = api(client, lan, "post", f"/customers/{somsri.pk}/loyalty/referral", {"referrer": missing})
    assert response.status_code == 404
    assert api(client, lan, "get", f"/customers/{missing}/loyalty/referrals").status_code == 404
    assert not Referral.objects.exists()


def test_an_analyst_reads_referrals_through_the_api_but_may_not_record_one(client, maria, somsri, juan):
    response = api(client, maria, "post", f"/customers/{juan.pk}/loyalty/referral", {"referrer": somsri.pk})
    assert response.status_code == 403
    assert api(client, maria, "get", f"/customers/{somsri.pk}/loyalty/referrals").status_code == 200
    assert not Referral.objects.exists()
