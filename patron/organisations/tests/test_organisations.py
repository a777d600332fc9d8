import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from patron.interactions.models import Interaction
from patron.organisations.models import Organisation
from patron.organisations.services import contact_create, organisation_create


def test_every_kind_of_relationship_can_be_recorded(lan, thai_shop):
    for kind in Organisation.Kind.values:
        organisation_create(by=lan, name=f"Org {kind}", kind=kind, owner_id=lan.pk)
    assert Organisation.objects.count() == 8


def test_organisation_with_bad_input_names_each_field_and_writes_nothing(lan, thai_shop):
    with pytest.raises(ValidationError) as caught:
        organisation_create(
            by=lan, name=" ", kind="friend", country="ZZ", website="not a url", owner_id=99999
        )
    assert set(caught.value.message_dict) == {"name", "kind", "country", "website", "owner_id"}
    assert not Organisation.objects.exists()


def test_service_agent_cannot_create_organisations(emre, thai_shop):
    with pytest.raises(PermissionDenied):
        organisation_create(by=emre, name="X", kind="agency")


def test_contact_phone_is_normalised_in_the_organisations_country(lan, thai_shop):
    organisation = organisation_create(by=lan, name="Ankara Yatırım", kind="investor", country="TR")
    contact = contact_create(organisation=organisation, name="Ayşe Kaya", phone="0312 555 12 34", by=lan)
    assert contact.phone == "+903125551234"


def test_create_page_with_bad_input_shows_errors(client, lan, thai_shop):
    client.force_login(lan)
    response = client.post(
        reverse("organisations:create"), {"name": "Acme", "kind": "supplier", "website": "ftp://x"}
    )
    assert response.status_code == 200
    assert "website" in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_create_page_creates_and_opens_the_organisation(client, lan, thai_shop):
    client.force_login(lan)
    response = client.post(
        reverse("organisations:create"),
        {"name": "Saigon Logistics", "kind": "distributor", "country": "VN", "owner": lan.pk},
    )
    organisation = Organisation.objects.get()
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])
    assert organisation.owner == lan


def test_contact_and_interaction_from_the_organisation_page(client, lan, thai_shop):
    organisation = organisation_create(by=lan, name="Manila Ventures", kind="investor", country="PH")
    client.force_login(lan)
    client.post(
        reverse("organisations:add_contact", args=[organisation.pk]), {"name": "Jose Rizal", "email": "bad"}
    )
    assert not organisation.contacts.exists()
    client.post(
        reverse("organisations:add_contact", args=[organisation.pk]),
        {"name": "Jose Reyes", "email": "jose@mv.ph", "phone": "0917 555 1234"},
    )
    assert organisation.contacts.get().phone == "+639175551234"
    client.post(
        reverse("organisations:log_interaction", args=[organisation.pk]),
        {"channel": "in_person", "direction": "outbound", "subject": "Quarterly update"},
    )
    assert Interaction.objects.get().organisation == organisation
    page = client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    assert "Quarterly update" in page and "Jose Reyes" in page


def test_organisation_list_filters_by_kind_and_name(client, lan, thai_shop):
    organisation_create(by=lan, name="Đà Nẵng Supply", kind="supplier")
    organisation_create(by=lan, name="İstanbul Sermaye Şirketi", kind="investor")
    client.force_login(lan)
    names = [
        o.name for o in client.get(reverse("organisations:list"), {"kind": "supplier"}).context["page"].items
    ]
    assert names == ["Đà Nẵng Supply"]
    names = [
        o.name
        for o in client.get(reverse("organisations:list"), {"q": "istanbul sirket"}).context["page"].items
    ]
    assert names == ["İstanbul Sermaye Şirketi"]
