from datetime import date, datetime
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictBool

from patron.api_auth import needs
from patron.api_schemas import (
    CREATE_ERRORS,
    ONE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    DateTime,
    Day,
    Id,
    In,
    ListOut,
    ListQuery,
    PathId,
    QueryId,
    api_enum,
)
from patron.customers.bulk import bulk_change
from patron.customers.erasure import ERASE_CUSTOMER, customer_erase
from patron.customers.export import EXPORT_CUSTOMER, customer_export
from patron.customers.filters import customer_filters
from patron.customers.list_export import EXPORT_LIST, csv_chunks, list_export
from patron.customers.models import (
    Channel,
    Consent,
    ConsentEvent,
    ContactKind,
    Customer,
    ListAction,
    Purpose,
)
from patron.customers.selectors import customer_list, customer_with_identities
from patron.customers.services import CustomerData, consent_record, customer_create_or_attach, customer_update
from patron.pagination import keyset_page

customers_router = Router(tags=["customers"])
consents_router = Router(tags=["consents"])

ConsentChannel = api_enum("ConsentChannel", Channel)
ConsentPurpose = api_enum("ConsentPurpose", Purpose)
ContactPointKind = api_enum("ContactPointKind", ContactKind)


class ExternalIdSchema(In):
    source: str = Field(max_length=50)
    value: str = Field(max_length=100)


class ContactPointIn(In):
    kind: ContactPointKind
    value: str = Field(max_length=254)
    primary: StrictBool = Field(False, description="The main one of its kind (else the first given)")


class ContactPointOut(Schema):
    kind: ContactPointKind
    value: str = Field(description="As entered")
    primary: bool
    verified_at: datetime | None


class CustomerOut(Schema):
    id: int
    display_name: str
    given_name: str
    family_name: str
    country: str
    locale: str
    time_zone: str
    birthday: date | None
    gender: str
    tags: list[str]
    owner: str | None = Field(description="The user name of the staff member who owns the customer")
    attributes: dict
    emails: list[str]
    phones: list[str] = Field(description="E.164")
    external_ids: list[ExternalIdSchema]
    contact_points: list[ContactPointOut]
    merged_into: int | None
    created_at: datetime
    updated_at: datetime


class CustomerIn(In):
    display_name: str = Field("", max_length=200)
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2; region of local phone numbers")
    locale: str = Field("", max_length=10)
    time_zone: str = Field("", max_length=64)
    birthday: Day | None = None
    gender: str = Field("", description="female, male, other or empty")
    tags: list[str] = []
    owner: str = Field("", max_length=150, description="User name of an active member of staff; empty: none")
    attributes: dict = {}
    emails: list[str] = []
    phones: list[str] = Field([], description="Local or international form; stored as E.164")
    external_ids: list[ExternalIdSchema] = []
    contact_points: list[ContactPointIn] = Field(
        [], description="E-mails, phones and chat ids; emails and phones, when given too, come first"
    )


class CustomerPatch(In):
    """A field left out stays as it is; a field given as null is cleared."""

    display_name: str | None = Field(None, max_length=200)
    given_name: str | None = Field(None, max_length=100)
    family_name: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    locale: str | None = Field(None, max_length=10)
    time_zone: str | None = Field(None, max_length=64)
    birthday: Day | None = None
    gender: str | None = None
    tags: list[str] | None = None
    owner: str | None = Field(None, max_length=150, description="User name of an active member of staff")
    attributes: dict | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    external_ids: list[ExternalIdSchema] | None = None
    contact_points: list[ContactPointIn] | None = Field(
        None, description="Every contact point of the customer: a kind left out is cleared"
    )


# Every filter of the customer list page, and its orders, from one declaration.
CustomerFilters = customer_filters.query_schema("CustomerFilters")


def customer_out(customer):
    return {
        "id": customer.pk,
        "display_name": customer.display_name,
        "given_name": customer.given_name,
        "family_name": customer.family_name,
        "country": customer.country,
        "locale": customer.locale,
        "time_zone": customer.time_zone,
        "birthday": customer.birthday,
        "gender": customer.gender,
        "tags": [tag.name for tag in customer.tags.all()],
        "owner": customer.owner.get_username() if customer.owner_id else None,
        "attributes": customer.attributes,
        "emails": [point.value for point in customer.email_points],
        "phones": [point.normalised for point in customer.phone_points],
        "external_ids": [{"source": x.source, "value": x.value} for x in customer.external_ids.all()],
        "contact_points": [
            {"kind": p.kind, "value": p.value, "primary": p.is_primary, "verified_at": p.verified_at}
            for p in customer.contact_points.all()
        ],
        "merged_into": customer.merged_into_id,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
    }


# What a field given as null in a PATCH becomes: cleared.
CLEARED = {
    "birthday": "",
    "attributes": {},
    "tags": [],
    "emails": [],
    "phones": [],
    "external_ids": [],
    "contact_points": [],
}


def _data(payload, *, partial):
    values = payload.dict(exclude_unset=partial)
    if partial:
        values = {name: CLEARED.get(name, "") if value is None else value for name, value in values.items()}
    if "external_ids" in values and values["external_ids"] is not None:
        values["external_ids"] = [(x["source"], x["value"]) for x in values["external_ids"]]
    if values.get("contact_points") is not None:
        values["contact_points"] = [
            (str(p["kind"]), p["value"], p.get("primary", False)) for p in values["contact_points"]
        ]
    return CustomerData(**values)


@customers_router.get(
    "", auth=needs("customers.view_customer"), response={200: ListOut[CustomerOut], **READ_ERRORS}
)
def list_customers(request, filters: Query[CustomerFilters]):
    """Customers matching every filter given (the list page's), latest added first, or in the
    order `sort` names; a bad value is answered 422 at its parameter."""
    selection = customer_filters.parse_query(filters.dict(exclude={"cursor", "limit"}))
    customers = (
        customer_list(selection)
        .select_related("owner")
        .prefetch_related("tags", "contact_points", "external_ids")
    )
    page = selection.page(customers, cursor=filters.cursor, limit=filters.limit)
    return {"items": [customer_out(c) for c in page.items], "next": page.next}


@customers_router.get("/export", auth=needs(EXPORT_LIST), response={200: None, **READ_ERRORS})
def export_customer_list(request, filters: Query[CustomerFilters]):
    """Every customer matching the filters (the list's), as CSV (UTF-8 with a BOM), streamed,
    oldest first; cells a spreadsheet would run as formulas begin with a single quote. Recorded
    with who asked and the filter. `cursor` and `limit` are ignored: the file holds every match."""
    selection = customer_filters.parse_query(filters.dict(exclude={"cursor", "limit"}))
    _action, rows = list_export(selection=selection, file_format="csv", by=request.user)
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="customers-{timezone.now():%Y%m%d-%H%M}.csv"'
    return response


BulkAction = api_enum("BulkAction", [kind for kind in ListAction.Kind if kind != ListAction.Kind.EXPORT])


class BulkIn(In):
    action: BulkAction
    value: str = Field(
        max_length=150, description="The tag's name, or the owner's user name (empty: no owner)"
    )
    ids: list[Id] | None = Field(None, description="The customers chosen (at most 1,000); else every match")
    filters: dict[str, Any] | None = Field(
        None, description="The list's filters as in GET /api/customers ({} or left out: every customer)"
    )


class BulkOut(Schema):
    id: int
    action: str
    status: str = Field(description="done, or queued: the change runs in the background")
    matched: int = Field(description="Customers the change reaches")
    changed: int | None = Field(description="Customers it changed (the others were so already)")


@customers_router.post(
    "/bulk", auth=needs("customers.change_customer"), response={200: BulkOut, 202: BulkOut, **CREATE_ERRORS}
)
def change_many_customers(request, payload: BulkIn):
    """Add or remove a tag, or assign an owner, to the customers chosen by `ids` or to every
    customer the `filters` match: 200 when done, 202 when queued (more than 1,000 customers).
    Idempotent: customers already so are not changed again."""
    if payload.ids is not None:
        target = {"ids": payload.ids}
    else:
        target = {"selection": customer_filters.from_json(payload.filters or {})}
    action = bulk_change(kind=payload.action.value, value=payload.value, by=request.user, **target)
    out = {
        "id": action.pk,
        "action": action.kind,
        "status": action.status,
        "matched": action.matched,
        "changed": action.changed,
    }
    return Status(200 if action.status == "done" else 202, out)


@customers_router.post(
    "", auth=needs("customers.add_customer"), response={201: CustomerOut, 200: CustomerOut, **CREATE_ERRORS}
)
def create_customer(request, response: HttpResponse, payload: CustomerIn):
    """201: a new customer. 200: an existing customer already held one of these external ids,
    e-mails or phones; the new details were added to that record, and the `Patron-Matched-On`
    header says which identity matched (external_id, email or phone)."""
    customer, matched_on = customer_create_or_attach(data=_data(payload, partial=False), by=request.user)
    if matched_on:
        response["Patron-Matched-On"] = matched_on
    return Status(200 if matched_on else 201, customer_out(customer_with_identities(customer.pk)))


@customers_router.get(
    "/{customer_id}", auth=needs("customers.view_customer"), response={200: CustomerOut, **ONE_ERRORS}
)
def get_customer(request, customer_id: PathId):
    get_object_or_404(Customer, pk=customer_id)
    return customer_out(customer_with_identities(customer_id))


@customers_router.get(
    "/{customer_id}/export", auth=needs(EXPORT_CUSTOMER), response={200: dict[str, Any], **ONE_ERRORS}
)
def export_customer(request, customer_id: PathId):
    """Everything held about the person, from every app, with the records merged into them."""
    return customer_export(customer=get_object_or_404(Customer, pk=customer_id), by=request.user)


class EraseIn(In):
    reason: str = Field(max_length=500, description="Why the person is erased (kept in the audit trail)")


class ErasedOut(Schema):
    customer: int
    erased_at: datetime


@customers_router.post(
    "/{customer_id}/erase", auth=needs(ERASE_CUSTOMER), response={200: ErasedOut, **WRITE_ERRORS}
)
def erase_customer(request, customer_id: PathId, payload: EraseIn):
    """Erase the person and every record merged into them: their orders stay as anonymous sales."""
    customer = customer_erase(
        customer=get_object_or_404(Customer, pk=customer_id), reason=payload.reason, by=request.user
    )
    return {"customer": customer.pk, "erased_at": customer.erased_at}


@customers_router.patch(
    "/{customer_id}", auth=needs("customers.change_customer"), response={200: CustomerOut, **WRITE_ERRORS}
)
def update_customer(request, customer_id: PathId, payload: CustomerPatch):
    customer = get_object_or_404(Customer, pk=customer_id)
    customer_update(customer=customer, data=_data(payload, partial=True), by=request.user)
    return customer_out(customer_with_identities(customer_id))


class ConsentOut(Schema):
    customer: int
    channel: ConsentChannel
    purpose: ConsentPurpose
    granted: bool
    since: datetime
    source: str


class ConsentEventOut(Schema):
    id: int
    customer: int
    channel: ConsentChannel
    purpose: ConsentPurpose
    granted: bool
    occurred_at: datetime
    source: str
    note: str
    recorded_by: str | None = Field(
        description="The staff member, or the user who asked the job that recorded it"
    )
    recorded_by_kind: str = Field(
        description="Who recorded it: staff, customer (themselves) or system (a job)"
    )
    recorded_by_job: str = Field(description="The job that recorded it, when the system did")


class ConsentIn(In):
    customer: Id
    channel: ConsentChannel
    purpose: ConsentPurpose
    granted: StrictBool
    source: str = Field(min_length=1, max_length=100)
    occurred_at: DateTime | None = Field(None, description="Default: now")
    note: str = Field("", max_length=500)


class ConsentFilters(ListQuery):
    customer: QueryId | None = None
    channel: ConsentChannel | None = None
    purpose: ConsentPurpose | None = None
    granted: bool | None = None


def consent_out(consent):
    return {
        "customer": consent.customer_id,
        "channel": consent.channel,
        "purpose": consent.purpose,
        "granted": consent.granted,
        "since": consent.since,
        "source": consent.source,
    }


def consent_event_out(event):
    return {
        "id": event.pk,
        "customer": event.customer_id,
        "channel": event.channel,
        "purpose": event.purpose,
        "granted": event.granted,
        "occurred_at": event.occurred_at,
        "source": event.source,
        "note": event.note,
        "recorded_by": event.recorded_by.get_username() if event.recorded_by else None,
        "recorded_by_kind": event.actor_kind,
        "recorded_by_job": event.actor_job,
    }


def _filter_consents(queryset, filters):
    for name in ("customer", "channel", "purpose", "granted"):
        value = getattr(filters, name, None)
        if value is not None:
            queryset = queryset.filter(**{f"{name}_id" if name == "customer" else name: value})
    return queryset


@consents_router.get(
    "", auth=needs("customers.view_consent"), response={200: ListOut[ConsentOut], **READ_ERRORS}
)
def list_consents(request, filters: Query[ConsentFilters]):
    """The consent in force for each customer, channel and purpose."""
    page = keyset_page(
        _filter_consents(Consent.objects.all(), filters), cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [consent_out(c) for c in page.items], "next": page.next}


@consents_router.get(
    "/events",
    auth=needs("customers.view_consentevent"),
    response={200: ListOut[ConsentEventOut], **READ_ERRORS},
)
def list_consent_events(request, filters: Query[ConsentFilters]):
    """Every grant and withdrawal as recorded, newest first."""
    events = _filter_consents(ConsentEvent.objects.select_related("recorded_by"), filters)
    page = keyset_page(events, cursor=filters.cursor, limit=filters.limit)
    return {"items": [consent_event_out(e) for e in page.items], "next": page.next}


@consents_router.post(
    "", auth=needs("customers.add_consentevent"), response={201: ConsentEventOut, **WRITE_ERRORS}
)
def record_consent(request, payload: ConsentIn):
    customer = get_object_or_404(Customer, pk=payload.customer)
    event = consent_record(
        customer=customer,
        channel=payload.channel.value,
        purpose=payload.purpose.value,
        granted=payload.granted,
        source=payload.source,
        occurred_at=payload.occurred_at,
        note=payload.note,
        by=request.user,
    )
    return Status(201, consent_event_out(event))
