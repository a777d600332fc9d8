"""Finding possible duplicates among the customers, and what a later scan does with them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from patron.customers.tests.factories import make_customer
from patron.duplicates.deciding import pair_dismiss, pair_merge
from patron.duplicates.merging import customer_merge
from patron.duplicates.models import DuplicatePair, PairStatus
from patron.duplicates.scanning import duplicates_scan
from patron.duplicates.tests.factories import an_at_the_shop, an_on_the_web, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(somchai, thai_shop):
    """An recorded twice among other customers who are nobody's duplicate."""
    customers = {key: make_customer(somchai, key) for key in ("sukru_isik", "somsri", "juan")}
    return customers | {"an": an_at_the_shop(somchai), "an_web": an_on_the_web(somchai)}


def open_pairs():
    return list(DuplicatePair.objects.filter(status=PairStatus.OPEN).order_by("-score"))


def test_scan_proposes_the_same_person_typed_twice_and_no_one_else(somchai, shop):
    result = duplicates_scan(by=somchai)
    (pair,) = open_pairs()
    assert (pair.left_id, pair.right_id) == (shop["an"].pk, shop["an_web"].pk)
    assert 0.5 <= pair.score <= 1
    assert pair.evidence["phone"] == 1.0 and set(pair.evidence) <= {
        "name",
        "email",
        "phone",
        "birthday",
        "address",
    }
    assert (result.found, result.created, result.dropped) == (1, 1, 0)


def test_scan_again_keeps_one_pair(somchai, shop):
    duplicates_scan(by=somchai)
    result = duplicates_scan(by=somchai)
    assert (result.found, result.created) == (1, 0)
    assert DuplicatePair.objects.count() == 1


def test_dismissed_pair_is_not_proposed_again(somchai, shop):
    duplicates_scan(by=somchai)
    pair_dismiss(pair=DuplicatePair.objects.get(), by=somchai)
    result = duplicates_scan(by=somchai)
    assert open_pairs() == [] and result.created == 0
    assert DuplicatePair.objects.get().status == PairStatus.DISMISSED


def test_merged_pair_is_not_proposed_again(somchai, shop):
    duplicates_scan(by=somchai)
    pair_merge(pair=DuplicatePair.objects.get(), survivor_id=shop["an"].pk, by=somchai)
    duplicates_scan(by=somchai)
    assert open_pairs() == []
    assert DuplicatePair.objects.get().status == PairStatus.MERGED


def test_open_pair_of_a_customer_merged_meanwhile_is_dropped(somchai, shop):
    duplicates_scan(by=somchai)
    customer_merge(survivor=shop["juan"], merged=shop["an_web"], by=somchai)
    result = duplicates_scan(by=somchai)
    assert result.dropped == 1
    assert not DuplicatePair.objects.filter(right=shop["an_web"]).exists()


def test_open_pair_the_finder_no_longer_proposes_is_dropped(somchai, shop):
    make_pair(shop["sukru_isik"], shop["juan"], score="0.800")
    duplicates_scan(by=somchai)
    assert [(p.left_id, p.right_id) for p in open_pairs()] == [(shop["an"].pk, shop["an_web"].pk)]


def test_open_pair_below_the_minimum_score_of_a_stricter_scan_is_kept(somchai, shop):
    make_pair(shop["sukru_isik"], shop["juan"], score="0.550")
    duplicates_scan(by=somchai, min_score=0.9)
    assert DuplicatePair.objects.filter(left=shop["sukru_isik"], status=PairStatus.OPEN).exists()


@pytest.mark.parametrize("min_score", [-0.1, 1.5, "0.5", True])
def test_minimum_score_is_a_number_from_0_to_1(somchai, shop, min_score):
    with pytest.raises(ValidationError):
        duplicates_scan(by=somchai, min_score=min_score)


@pytest.mark.parametrize("username", ["emre", "maria"])
def test_only_admins_and_marketers_scan(staff, shop, username):
    with pytest.raises(PermissionDenied):
        duplicates_scan(by=staff(username))
    assert not DuplicatePair.objects.exists()


def test_find_duplicates_button_runs_the_scan_in_the_background(
    client, lan, shop, django_capture_on_commit_callbacks
):
    client.force_login(lan)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("duplicates:scan"))
    assert len(queued) == 1  # the scan's job, queued once the request committed
    response = client.get(response["Location"])
    assert response.status_code == 200
    (pair,) = open_pairs()
    assert f'id="pair-{pair.pk}"' in response.content.decode()
