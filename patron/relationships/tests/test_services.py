"""Setting a level: the history says who, when and why; the permissions are the service's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from patron.actors import ActorKind
from patron.customers.tests.factories import make_customer
from patron.organisations.services import organisation_create
from patron.relationships.models import CustomerLevel, Level, LevelChange, OrganisationLevel
from patron.relationships.selectors import level_history, level_of
from patron.relationships.services import level_set, suggestion_accept

pytestmark = pytest.mark.django_db


def test_a_customer_has_no_level_until_staff_set_one(somchai, thai_shop):
    somsri = make_customer(somchai, "somsri")
    assert level_of(customer=somsri) is None
    assert not level_history(customer=somsri).exists()


def test_setting_a_level_records_who_when_and_why_and_keeps_the_history(somchai, lan, thai_shop):
    somsri = make_customer(somchai, "somsri")
    first = level_set(by=somchai, customer=somsri, level=Level.BASIC, reason="ซื้อครั้งแรก")
    second = level_set(by=lan, customer=somsri, level=Level.REACTIVE, reason="Trả lời khảo sát")
    current = level_of(customer=somsri)
    assert (current.level, current.since, current.change) == (Level.REACTIVE, second.at, second)
    history = list(level_history(customer=somsri))
    assert history == [second, first]
    assert (second.previous, second.set_by, second.actor_kind, second.suggested) == (
        Level.BASIC,
        lan,
        ActorKind.STAFF,
        False,
    )
    assert (first.previous, first.reason) == ("", "ซื้อครั้งแรก")


@pytest.mark.parametrize("user", ["somchai", "lan", "emre"])
def test_admins_marketers_and_service_agents_set_levels(staff, thai_shop, user):
    customer = make_customer(staff("somchai"), "juan")
    level_set(by=staff(user), customer=customer, level=Level.BASIC, reason="First sale")
    assert CustomerLevel.objects.get(customer=customer).level == Level.BASIC


def test_an_analyst_reads_but_does_not_set_a_level(somchai, maria, thai_shop):
    juan = make_customer(somchai, "juan")
    assert maria.has_perm("relationships.view_customerlevel")
    with pytest.raises(PermissionDenied):
        level_set(by=maria, customer=juan, level=Level.BASIC, reason="Bumili")
    assert not LevelChange.objects.exists()


def test_an_analyst_is_refused_a_suggestion_before_the_evidence_is_read(somchai, maria, thai_shop):
    juan = make_customer(somchai, "juan")  # no evidence: the check must come first to say "refused"
    with pytest.raises(PermissionDenied):
        suggestion_accept(by=maria, customer=juan)
    assert not LevelChange.objects.exists()


def test_a_level_needs_a_reason_a_known_level_and_a_change(somchai, thai_shop):
    juan = make_customer(somchai, "juan")
    with pytest.raises(ValidationError) as refused:
        level_set(by=somchai, customer=juan, level="vip", reason="  ")
    assert set(refused.value.message_dict) == {"level", "reason"}
    level_set(by=somchai, customer=juan, level=Level.BASIC, reason="First sale")
    with pytest.raises(ValidationError) as again:
        level_set(by=somchai, customer=juan, level=Level.BASIC, reason="Again")
    assert "already" in again.value.message_dict["level"][0]
    assert LevelChange.objects.count() == 1


def test_an_organisation_has_a_level_and_a_history(somchai, lan, thai_shop):
    supplier = organisation_create(by=somchai, name="Chiang Mai Silk", kind="supplier")
    level_set(by=lan, organisation=supplier, level=Level.PARTNERSHIP, reason="Ten years of cooperation")
    current = OrganisationLevel.objects.get(organisation=supplier)
    assert current.level == Level.PARTNERSHIP and current.change.set_by == lan
    assert [c.level for c in level_history(organisation=supplier)] == [Level.PARTNERSHIP]


def test_the_database_refuses_an_unknown_level(somchai, thai_shop):
    from django.db import IntegrityError, transaction

    juan = make_customer(somchai, "juan")
    with pytest.raises(IntegrityError, match="level_change_level_known|CHECK"), transaction.atomic():
        LevelChange.objects.create(customer=juan, level="gold", reason="x", actor_kind="staff")
