"""The review pages: possible duplicates by score, a pair side by side, merges with undo."""

import pytest
from django.test import Client
from django.urls import reverse

from patron.accounts.services import profile_update
from patron.customers.models import Customer
from patron.customers.tests.factories import make_customer
from patron.duplicates.merging import customer_merge
from patron.duplicates.models import Merge, PairStatus
from patron.duplicates.tests.factories import an_twice, make_pair, totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(somchai, thai_shop):
    return an_twice(somchai)


@pytest.fixture
def pair(an):
    return make_pair(*an, score="0.930", evidence={"name": 0.9, "email": 1.0})


def sign_in(client, user, language="en"):
    """Signed in, reading the pages in `language` (the cast's own is their country's)."""
    profile_update(user=user, language=language)
    client.force_login(user)


def page(client, user, url):
    sign_in(client, user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_open_pairs_best_first_with_evidence(client, lan, somchai, an, pair):
    juan, juana = make_customer(somchai, "juan"), make_customer(somchai, display_name="Juana dela Cruz")
    make_pair(juan, juana, score="0.600", evidence={"name": 0.75})
    html = page(client, lan, reverse("duplicates:list"))
    assert html.index(f'id="pair-{pair.pk}"') < html.index("Juana dela Cruz")
    assert "93%" in html and "E-mail 100%" in html and "Name 75%" in html
    assert 'id="find-duplicates"' in html and 'id="nav-duplicates"' in html


def test_list_speaks_the_user_s_language_for_percentages(client, lan, an, pair):
    sign_in(client, lan, language="tr")
    assert "%93" in client.get(reverse("duplicates:list")).content.decode()


def test_dismissed_pair_is_not_listed(client, lan, an, pair):
    sign_in(client, lan)
    client.post(reverse("duplicates:dismiss", args=[pair.pk]))
    html = page(client, lan, reverse("duplicates:list"))
    assert f'id="pair-{pair.pk}"' not in html


def test_analyst_sees_pairs_but_no_button_to_decide(client, maria, an, pair):
    html = page(client, maria, reverse("duplicates:list"))
    assert f'id="pair-{pair.pk}"' in html and 'id="find-duplicates"' not in html
    html = page(client, maria, reverse("duplicates:pair", args=[pair.pk]))
    assert 'id="merge"' not in html and 'id="dismiss"' not in html and "Nguyen Van An" in html


def test_pair_page_shows_both_customers_side_by_side(client, lan, an, pair):
    html = page(client, lan, reverse("duplicates:pair", args=[pair.pk]))
    for text in [
        "Nguyễn Văn An",
        "Nguyen Van An",
        "an@x.vn",
        "webshop: C-17",
        "vip",
        "Hà Nội",
        "Withdrawn",
        "Granted",
        "May 1, 1990",
    ]:
        assert text in html, text
    assert html.count('name="survivor"') == 2


def test_pair_page_offers_a_choice_only_where_the_two_differ(client, lan, an, pair):
    sign_in(client, lan)
    form = client.get(reverse("duplicates:pair", args=[pair.pk])).context["form"]
    assert set(form.fields) == {
        "survivor",
        "display_name",
        "family_name",
        "birthday",
        "attributes.tier",
        "attributes.city",
    }


def test_record_with_more_orders_survives_by_default_and_keeps_its_values(client, lan, an, pair):
    sign_in(client, lan)
    form = client.get(reverse("duplicates:pair", args=[pair.pk])).context["form"]
    assert form["survivor"].initial == "right"  # the web record has 3 orders, the shop's 2
    assert form["display_name"].initial == "right"
    assert form["birthday"].initial == "right"
    assert form["attributes.city"].initial == "right"


def test_older_record_survives_between_equals(client, lan, somchai, thai_shop):
    first = make_customer(somchai, display_name="Somsri Jaidee")
    second = make_customer(somchai, display_name="Somsri Jai-dee", birthday=None)
    pair = make_pair(first, second)
    sign_in(client, lan)
    form = client.get(reverse("duplicates:pair", args=[pair.pk])).context["form"]
    assert form["survivor"].initial == "left"


def test_merge_keeps_the_chosen_record_and_values_and_offers_undo(client, lan, an, pair):
    shop, web = an
    sign_in(client, lan)
    response = client.post(
        reverse("duplicates:merge", args=[pair.pk]),
        {
            "survivor": "left",
            "display_name": "right",
            "family_name": "left",
            "birthday": "right",
            "attributes.tier": "left",
            "attributes.city": "left",
        },
    )
    merge = Merge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('duplicates:list')}?merged={merge.pk}"
    shop = Customer.objects.get(pk=shop.pk)
    assert (merge.survivor_id, merge.merged_id, merge.by) == (shop.pk, web.pk, lan)
    assert (shop.display_name, shop.family_name, str(shop.birthday)) == (
        "Nguyen Van An",
        "Nguyễn Văn",
        "1990-05-01",
    )
    assert shop.attributes == {"tier": "silver"}
    html = client.get(response["Location"]).content.decode()
    assert 'id="merged-message"' in html and 'id="undo-merge"' in html
    assert reverse("duplicates:undo", args=[merge.pk]) in html


def test_undo_from_the_message_gives_the_merged_customer_back(client, lan, an, pair):
    shop, web = an
    before = {"shop": totals(shop), "web": totals(web)}
    sign_in(client, lan)
    client.post(reverse("duplicates:merge", args=[pair.pk]), {"survivor": "left"})
    merge = Merge.objects.get()
    response = client.post(reverse("duplicates:undo", args=[merge.pk]), follow=True)
    assert "Merge undone" in response.content.decode()
    assert {"shop": totals(shop), "web": totals(web)} == before
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_not_the_same_dismisses_the_pair(client, lan, an, pair):
    sign_in(client, lan)
    response = client.post(reverse("duplicates:dismiss", args=[pair.pk]), follow=True)
    assert "are marked as different people" in response.content.decode()
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (PairStatus.DISMISSED, lan)


def test_decided_pair_page_says_how_and_offers_nothing(client, lan, an, pair):
    sign_in(client, lan)
    client.post(reverse("duplicates:dismiss", args=[pair.pk]))
    html = page(client, lan, reverse("duplicates:pair", args=[pair.pk]))
    assert 'id="decided"' in html and "decided by lan" in html and 'id="merge"' not in html


def test_merging_a_pair_decided_meanwhile_says_so(client, lan, somchai, an, pair):
    sign_in(client, lan)
    client.post(reverse("duplicates:dismiss", args=[pair.pk]))
    response = client.post(reverse("duplicates:merge", args=[pair.pk]), {"survivor": "left"}, follow=True)
    assert "decided already" in response.content.decode()
    assert not Merge.objects.exists()


def test_form_without_a_survivor_is_shown_again_with_the_error(client, lan, an, pair):
    sign_in(client, lan)
    response = client.post(reverse("duplicates:merge", args=[pair.pk]), {"display_name": "left"})
    assert response.status_code == 422
    assert 'id="form-errors"' in response.content.decode()
    assert not Merge.objects.exists()


@pytest.mark.parametrize("username", ["emre", "maria"])
def test_service_agents_and_analysts_cannot_merge_dismiss_undo_or_scan(
    client, staff, somchai, an, pair, username
):
    merge = customer_merge(survivor=an[0], merged=make_customer(somchai, display_name="An N."), by=somchai)
    sign_in(client, staff(username))
    for url in [
        reverse("duplicates:merge", args=[pair.pk]),
        reverse("duplicates:dismiss", args=[pair.pk]),
        reverse("duplicates:undo", args=[merge.pk]),
        reverse("duplicates:scan"),
    ]:
        assert client.post(url, {"survivor": "left"}).status_code == 403
    pair.refresh_from_db()
    merge.refresh_from_db()
    assert pair.status == PairStatus.OPEN and merge.undone_at is None


def test_decisions_need_the_csrf_token(lan, an, pair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lan)
    assert client.post(reverse("duplicates:dismiss", args=[pair.pk])).status_code == 403
    assert client.post(reverse("duplicates:merge", args=[pair.pk]), {"survivor": "left"}).status_code == 403


def test_pages_need_a_login(client, an, pair):
    response = client.get(reverse("duplicates:pair", args=[pair.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_pair_is_404(client, lan, thai_shop):
    sign_in(client, lan)
    assert client.get(reverse("duplicates:pair", args=[424242])).status_code == 404


def test_merges_page_lists_merges_with_undo_and_refuses_an_undo_out_of_order(client, lan, somchai, an):
    shop, web = an
    inner = customer_merge(survivor=shop, merged=web, by=somchai)
    juan = make_customer(somchai, "juan")
    outer = customer_merge(survivor=juan, merged=Customer.objects.get(pk=shop.pk), by=somchai)
    html = page(client, lan, reverse("duplicates:merges"))
    assert html.index(f'id="merge-{outer.pk}"') < html.index(f'id="merge-{inner.pk}"')
    assert f'id="undo-{inner.pk}"' in html
    response = client.post(reverse("duplicates:undo", args=[inner.pk]), follow=True)
    assert "undo that merge first" in response.content.decode()
    client.post(reverse("duplicates:undo", args=[outer.pk]))
    html = page(client, lan, reverse("duplicates:merges"))
    assert f'id="undo-{outer.pk}"' not in html and "Undone" in html


def test_merged_customer_s_page_links_to_the_survivor(client, lan, somchai, an):
    shop, web = an
    customer_merge(survivor=shop, merged=web, by=somchai)
    html = page(client, lan, reverse("customers:detail", args=[web.pk]))
    assert "This record was merged into" in html and reverse("customers:detail", args=[shop.pk]) in html


def test_list_pages_by_score(client, lan, somchai, thai_shop, monkeypatch):
    from patron.duplicates import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    people = [make_customer(somchai, display_name=f"Khách {n}") for n in range(4)]
    best = make_pair(people[0], people[1], score="0.900")
    second = make_pair(people[2], people[3], score="0.800")
    sign_in(client, lan)
    first = client.get(reverse("duplicates:list"))
    assert f'id="pair-{best.pk}"' in first.content.decode()
    later = client.get(reverse("duplicates:list"), {"cursor": first.context["page"].next}).content.decode()
    assert f'id="pair-{second.pk}"' in later and f'id="pair-{best.pk}"' not in later
    assert client.get(reverse("duplicates:list"), {"cursor": "bad"}).status_code == 302
