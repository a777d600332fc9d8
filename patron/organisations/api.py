from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from patron.api_auth import needs
from patron.api_schemas import (
    CREATE_ERRORS,
    ONE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    In,
    ListOut,
    PathId,
    api_enum,
    fields_renamed,
)
from patron.organisations.filters import organisation_filters
from patron.organisations.models import Organisation
from patron.organisations.selectors import organisation_list
from patron.organisations.services import contact_create, organisation_create, organisation_update

router = Router(tags=["organisations"])

Kind = api_enum("OrganisationKind", Organisation.Kind)


class ContactOut(Schema):
    id: int
    name: str
    role: str
    email: str
    phone: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: Kind
    country: str
    website: str
    owner: int | None
    notes: str
    contacts: list[ContactOut]
    created_at: datetime
    updated_at: datetime


class OrganisationIn(In):
    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    country: str = Field("", max_length=2)
    website: str = Field("", max_length=200)
    owner: Id | None = None
    notes: str = ""


class OrganisationPatch(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Kind | None = None
    country: str | None = Field(None, max_length=2)
    website: str | None = Field(None, max_length=200)
    owner: Id | None = None
    notes: str | None = None


class ContactIn(In):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=50)


# The list page's filters, from one declaration.
OrganisationFilters = organisation_filters.query_schema("OrganisationFilters")


def contact_out(contact):
    return {
        "id": contact.pk,
        "name": contact.name,
        "role": contact.role,
        "email": contact.email,
        "phone": contact.phone,
    }


def organisation_out(organisation):
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country,
        "website": organisation.website,
        "owner": organisation.owner_id,
        "notes": organisation.notes,
        "contacts": [contact_out(contact) for contact in organisation.contacts.all()],
        "created_at": organisation.created_at,
        "updated_at": organisation.updated_at,
    }


def _values(payload, *, partial):
    values = payload.dict(exclude_unset=partial)
    if "owner" in values:
        values["owner_id"] = values.pop("owner")
    for name in ("kind",):
        if values.get(name) is not None:
            values[name] = values[name].value if hasattr(values[name], "value") else values[name]
    return {k: v for k, v in values.items() if v is not None or k == "owner_id"}


@router.get(
    "", auth=needs("organisations.view_organisation"), response={200: ListOut[OrganisationOut], **READ_ERRORS}
)
def list_organisations(request, filters: Query[OrganisationFilters]):
    selection = organisation_filters.parse_query(filters.dict(exclude={"cursor", "limit"}))
    organisations = organisation_list(selection).prefetch_related("contacts")
    page = selection.page(organisations, cursor=filters.cursor, limit=filters.limit)
    return {"items": [organisation_out(o) for o in page.items], "next": page.next}


@router.post(
    "", auth=needs("organisations.add_organisation"), response={201: OrganisationOut, **CREATE_ERRORS}
)
def create_organisation(request, payload: OrganisationIn):
    with fields_renamed(owner_id="owner"):
        organisation = organisation_create(by=request.user, **_values(payload, partial=False))
    return Status(201, organisation_out(organisation))


@router.get(
    "/{organisation_id}",
    auth=needs("organisations.view_organisation"),
    response={200: OrganisationOut, **ONE_ERRORS},
)
def get_organisation(request, organisation_id: PathId):
    return organisation_out(get_object_or_404(Organisation, pk=organisation_id))


@router.patch(
    "/{organisation_id}",
    auth=needs("organisations.change_organisation"),
    response={200: OrganisationOut, **WRITE_ERRORS},
)
def update_organisation(request, organisation_id: PathId, payload: OrganisationPatch):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    with fields_renamed(owner_id="owner"):
        organisation_update(organisation=organisation, by=request.user, **_values(payload, partial=True))
    return organisation_out(organisation)


@router.post(
    "/{organisation_id}/contacts",
    auth=needs("organisations.add_organisationcontact"),
    response={201: ContactOut, **WRITE_ERRORS},
)
def add_contact(request, organisation_id: PathId, payload: ContactIn):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    contact = contact_create(organisation=organisation, by=request.user, **payload.dict())
    return Status(201, contact_out(contact))
