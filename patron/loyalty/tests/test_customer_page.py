"""The customer page's points panels and the redeem, adjust and entries pages: what each role
sees and may do, bad input refused at its field in the page's language with nothing moved, and a
form sent twice moving points once."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from patron.customers.tests.factories import make_customer
from patron.loyalty.ledger import ledger_check, points_earn, points_redeem
from patron.loyalty.models import Account, Card, Coupon, CouponBatch, Entry, Membership, Tier
from patron.sales.services import order_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def somsri(somchai, thai_shop):
    customer = make_customer(somchai, "somsri")
    points_earn(customer=customer, points=100, key="test:earn:100", by=somchai)
    return customer


def as_user(client, user):
    client.force_login(user)
    return client


def detail(client, customer):
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def form_key(html, form_id):
    """The key the page drew into the form ``form_id``."""
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    return re.search(r'name="key" value="([0-9a-f]{32})"', form).group(1)


def said(language, message, context=None, **values):
    with translation.override(language):
        text = translation.pgettext(context, message) if context else translation.gettext(message)
    return text % values if values else text


def ledger():
    return list(Entry.objects.order_by("pk").values_list("kind", "points")), dict(
        Account.objects.values_list("customer", "points")
    )


@pytest.mark.parametrize(
    ("who", "redeems", "adjusts"),
    [("somchai", True, True), ("lan", True, False), ("emre", True, False), ("maria", False, False)],
)
def test_panel_shows_the_points_and_the_forms_each_role_may_use(client, staff, somsri, who, redeems, adjusts):
    html = detail(as_user(client, staff(who)), somsri)
    assert 'id="loyalty"' in html and 'id="points-balance">100<' in html
    assert ('id="redeem-form"' in html) is redeems
    assert ('id="adjust-form"' in html) is adjusts
    assert 'id="points-entries"' in html


def test_panel_shows_pending_expiring_tier_coupons_card_and_the_entries_causes(client, somchai, somsri):
    now = timezone.now()
    points_earn(
        customer=somsri, points=40, key="e:pending", by=somchai, available_at=now + timedelta(days=14)
    )
    points_earn(customer=somsri, points=25, key="e:soon", by=somchai, expires_at=now + timedelta(days=30))
    order = order_create(
        customer=somsri,
        placed_at=now - timedelta(hours=2),
        channel="store",
        total="90.00",
        external_id="POS-77",
        by=somchai,
    )
    points_earn(customer=somsri, points=9, key="e:order", by=somchai, order=order)
    points_redeem(customer=somsri, points=5, key="r:1", by=somchai, reason="Free coffee")
    gold = Tier.objects.create(name="Gold", threshold=1000)
    Membership.objects.create(customer=somsri, tier=gold, since=now - timedelta(days=3))
    batch = CouponBatch.objects.create(name="Upgrade", benefit="10% off", use="single")
    Coupon.objects.create(batch=batch, code="GOLD-7XK2", customer=somsri)
    Card.objects.create(customer=somsri, number="8800 1234 5678")
    html = detail(as_user(client, somchai), somsri)
    assert 'id="points-balance">129<' in html  # 100 + 25 + 9 - 5; the 40 are pending
    assert 'id="points-pending">40<' in html
    expiring = re.search(r'id="points-expiring">(.*?)</dd>', html, re.S).group(1)
    assert "25" in expiring
    assert "Gold" in re.search(r'id="points-tier">(.*?)</dd>', html, re.S).group(1)
    assert "GOLD-7XK2" in html and "10% off" in html and "8800 1234 5678" in html
    assert f'#order-{order.pk}"' in html and "POS-77" in html
    assert "Free coffee" in html and "somchai" in html


def test_redeem_from_the_panel_then_the_same_form_again_moves_points_once(client, emre, somsri):
    client = as_user(client, emre)
    key = form_key(detail(client, somsri), "redeem-form")
    url = reverse("loyalty:redeem", args=[somsri.pk])
    body = {"points": "30", "reason": "Free coffee", "key": key}
    first = client.post(url, body)
    assert first.status_code == 302 and first.url.endswith("#loyalty")
    again = client.post(url, body, follow=True)
    assert again.status_code == 200
    assert said("tr", "These %(points)s points were already redeemed.", points="30") in again.content.decode()
    assert Account.objects.get(customer=somsri).points == 70
    assert list(Entry.objects.filter(kind="redeem").values_list("points", "reason", "actor__username")) == [
        (-30, "Free coffee", "emre")
    ]
    assert ledger_check() == []


@pytest.mark.parametrize("points", ["", "2.5", "0", "-5", "ten", "1e3", "1000000001"])
def test_bad_points_are_refused_at_their_field_in_the_users_language(client, emre, somsri, points):
    client = as_user(client, emre)
    before = ledger()
    key = form_key(detail(client, somsri), "redeem-form")
    response = client.post(reverse("loyalty:redeem", args=[somsri.pk]), {"points": points, "key": key})
    assert response.status_code == 422
    expected = said("tr", "Give the points as a whole number from 1 to %(most)s.", most="1.000.000.000")
    assert expected in response.content.decode()
    assert ledger() == before


def test_points_in_thai_digits_are_read_as_numbers(client, somchai, somsri):
    client = as_user(client, somchai)
    key = form_key(detail(client, somsri), "redeem-form")
    assert (
        client.post(reverse("loyalty:redeem", args=[somsri.pk]), {"points": "๑๐", "key": key}).status_code
        == 302
    )
    assert Account.objects.get(customer=somsri).points == 90


def test_too_few_points_are_refused_and_nothing_is_spent(client, lan, somsri):
    client = as_user(client, lan)
    before = ledger()
    key = form_key(detail(client, somsri), "redeem-form")
    response = client.post(reverse("loyalty:redeem", args=[somsri.pk]), {"points": "101", "key": key})
    assert response.status_code == 422
    with translation.override("vi"):
        expected = translation.gettext(
            "%(wanted)s points asked for, but only %(available)s can be spent now."
        )
    assert expected % {"wanted": "101", "available": "100"} in response.content.decode()
    assert ledger() == before


def test_a_form_without_its_key_is_refused(client, emre, somsri):
    client = as_user(client, emre)
    before = ledger()
    for key in ("", "not-a-key"):
        response = client.post(reverse("loyalty:redeem", args=[somsri.pk]), {"points": "5", "key": key})
        assert response.status_code == 422
        assert (
            said("tr", "This form is out of date: open the customer page again.") in response.content.decode()
        )
    assert ledger() == before


def test_the_same_form_sent_with_other_values_is_refused(client, emre, somsri):
    client = as_user(client, emre)
    key = form_key(detail(client, somsri), "redeem-form")
    url = reverse("loyalty:redeem", args=[somsri.pk])
    assert client.post(url, {"points": "5", "key": key}).status_code == 302
    before = ledger()
    response = client.post(url, {"points": "6", "key": key})
    assert response.status_code == 422
    assert (
        said("tr", "This form was already sent with other values: open it again.")
        in response.content.decode()
    )
    assert ledger() == before


def test_admin_adjusts_with_a_reason_either_way(client, somchai, somsri):
    client = as_user(client, somchai)
    url = reverse("loyalty:adjust", args=[somsri.pk])
    key = form_key(detail(client, somsri), "adjust-form")
    added = client.post(url, {"points": "50", "reason": "Welcome gift", "key": key}, follow=True)
    assert said("th", "%(points)s points added.", points="50") in added.content.decode()
    key = form_key(client.get(url).content.decode(), "adjust-form")
    taken = client.post(url, {"points": "-20", "reason": "Typo", "key": key}, follow=True)
    assert said("th", "%(points)s points taken away.", points="20") in taken.content.decode()
    assert Account.objects.get(customer=somsri).points == 130
    assert list(Entry.objects.filter(kind="adjust").values_list("points", "reason")) == [
        (50, "Welcome gift"),
        (-20, "Typo"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"points": "50", "reason": ""}, "Give a reason of 1 to 500 characters."),
        ({"points": "50", "reason": "   "}, "Give a reason of 1 to 500 characters."),
        ({"points": "50", "reason": "x" * 501}, "Give a reason of 1 to 500 characters."),
        (
            {"points": "0", "reason": "Zero"},
            "Give the points as a whole number other than 0, from -%(most)s to %(most)s.",
        ),
        (
            {"points": "1.5", "reason": "Half"},
            "Give the points as a whole number other than 0, from -%(most)s to %(most)s.",
        ),
        ({"points": "-101", "reason": "Too many"}, None),
    ],
)
def test_bad_adjustments_are_refused_and_change_nothing(client, somchai, somsri, body, message):
    client = as_user(client, somchai)
    before = ledger()
    key = form_key(detail(client, somsri), "adjust-form")
    response = client.post(reverse("loyalty:adjust", args=[somsri.pk]), {**body, "key": key})
    assert response.status_code == 422
    html = response.content.decode()
    if message:
        assert said("th", message, most="1,000,000,000") in html
    else:
        assert 'class="errorlist' in html
    assert ledger() == before


@pytest.mark.parametrize(
    ("who", "redeem", "adjust"), [("lan", 200, 403), ("emre", 200, 403), ("maria", 403, 403)]
)
def test_roles_without_the_right_are_refused_the_forms(client, staff, somsri, who, redeem, adjust):
    client = as_user(client, staff(who))
    before = ledger()
    assert client.get(reverse("loyalty:redeem", args=[somsri.pk])).status_code == redeem
    assert client.get(reverse("loyalty:adjust", args=[somsri.pk])).status_code == adjust
    key = "0" * 32
    if redeem == 403:
        assert (
            client.post(reverse("loyalty:redeem", args=[somsri.pk]), {"points": "5", "key": key}).status_code
            == 403
        )
    body = {"points": "5", "reason": "gift", "key": key}
    assert client.post(reverse("loyalty:adjust", args=[somsri.pk]), body).status_code == 403
    assert ledger() == before


def test_unknown_customer_is_404(client, somchai, thai_shop):
    client = as_user(client, somchai)
    for name in ("redeem", "adjust", "entries"):
        assert client.get(reverse(f"loyalty:{name}", args=[999_999])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, somsri):
    response = client.post(reverse("loyalty:redeem", args=[somsri.pk]), {"points": "5", "key": "0" * 32})
    assert response.status_code == 302 and "/login/" in response.url
    assert Entry.objects.filter(kind="redeem").count() == 0


def test_entries_page_lists_every_entry_fifty_a_page(client, maria, somchai, somsri):
    for n in range(55):
        points_earn(customer=somsri, points=1, key=f"e:{n}", by=somchai, reason=f"stamp {n}")
    client = as_user(client, maria)
    panel = detail(client, somsri)
    assert reverse("loyalty:entries", args=[somsri.pk]) in panel  # more than the panel shows
    first = client.get(reverse("loyalty:entries", args=[somsri.pk]))
    html = first.content.decode()
    assert first.status_code == 200 and html.count('id="entry-') == 50
    assert "stamp 54" in html and "stamp 4<" not in html
    cursor = re.search(r'href="\?cursor=([^"&]+)"', html).group(1)
    rest = client.get(reverse("loyalty:entries", args=[somsri.pk]) + f"?cursor={cursor}").content.decode()
    assert rest.count('id="entry-') == 6 and "stamp 0<" in rest


def test_a_bad_cursor_shows_the_first_page_and_says_so(client, maria, somsri):
    response = as_user(client, maria).get(reverse("loyalty:entries", args=[somsri.pk]) + "?cursor=nonsense")
    assert response.status_code == 400
    assert said("fil", "This cursor is not valid: use the one a list gave you.") in response.content.decode()
    assert 'id="entry-' in response.content.decode()


def test_a_merged_record_offers_no_forms(client, somchai, somsri):
    from patron.duplicates.merging import customer_merge

    survivor = make_customer(somchai, "juan")
    customer_merge(survivor=survivor, merged=somsri, by=somchai)
    html = detail(as_user(client, somchai), somsri)
    assert 'id="redeem-form"' not in html and 'id="adjust-form"' not in html


@pytest.mark.parametrize(("who", "offered"), [("emre", True), ("lan", True), ("maria", False)])
def test_a_customer_without_a_card_is_offered_one_by_who_serves_the_counter(
    client, staff, somsri, who, offered
):
    client = as_user(client, staff(who))
    html = detail(client, somsri)
    assert ('id="card-issue"' in html) is offered
    if offered:
        response = client.post(reverse("loyalty:card_issue", args=[somsri.pk]))
        assert response.status_code == 302
        card = Card.objects.get(customer=somsri)
        assert card.number in detail(client, somsri) and 'id="card-issue"' not in detail(client, somsri)
