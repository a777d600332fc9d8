from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from patron.api_auth import needs
from patron.api_schemas import (
    ONE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    DateTime,
    Id,
    In,
    ListOut,
    ListQuery,
    PathId,
    QueryId,
    api_enum,
)
from patron.customers.models import Customer
from patron.interactions.models import Interaction
from patron.interactions.selectors import interaction_list
from patron.interactions.services import interaction_log
from patron.organisations.models import Organisation, OrganisationContact
from patron.pagination import keyset_page

router = Router(tags=["interactions"])

InteractionChannel = api_enum("InteractionChannel", Interaction.Channel)
Direction = api_enum("Direction", Interaction.Direction)


class InteractionOut(Schema):
    id: int
    customer: int | None
    organisation: int | None
    contact: int | None
    channel: InteractionChannel
    direction: Direction
    subject: str
    body: str
    occurred_at: datetime
    staff: str | None


class InteractionIn(In):
    customer: Id | None = None
    organisation: Id | None = None
    contact: Id | None = None
    channel: InteractionChannel
    direction: Direction
    subject: str = Field("", max_length=200)
    body: str = ""
    occurred_at: DateTime | None = Field(None, description="Default: now")


class InteractionFilters(ListQuery):
    customer: QueryId | None = None
    organisation: QueryId | None = None
    channel: InteractionChannel | None = None
    since: DateTime | None = None
    until: DateTime | None = None


def interaction_out(item):
    return {
        "id": item.pk,
        "customer": item.customer_id,
        "organisation": item.organisation_id,
        "contact": item.contact_id,
        "channel": item.channel,
        "direction": item.direction,
        "subject": item.subject,
        "body": item.body,
        "occurred_at": item.occurred_at,
        "staff": item.staff.get_username() if item.staff else None,
    }


@router.get(
    "", auth=needs("interactions.view_interaction"), response={200: ListOut[InteractionOut], **READ_ERRORS}
)
def list_interactions(request, filters: Query[InteractionFilters]):
    items = interaction_list(channel=filters.channel, since=filters.since, until=filters.until)
    if filters.customer is not None:
        items = items.filter(customer_id=filters.customer)
    if filters.organisation is not None:
        items = items.filter(organisation_id=filters.organisation)
    page = keyset_page(items, cursor=filters.cursor, limit=filters.limit)
    return {"items": [interaction_out(i) for i in page.items], "next": page.next}


@router.post("", auth=needs("interactions.add_interaction"), response={201: InteractionOut, **WRITE_ERRORS})
def log_interaction(request, payload: InteractionIn):
    customer = get_object_or_404(Customer, pk=payload.customer) if payload.customer is not None else None
    organisation = (
        get_object_or_404(Organisation, pk=payload.organisation) if payload.organisation is not None else None
    )
    contact = (
        get_object_or_404(OrganisationContact, pk=payload.contact) if payload.contact is not None else None
    )
    item = interaction_log(
        by=request.user,
        customer=customer,
        organisation=organisation,
        contact=contact,
        channel=payload.channel.value,
        direction=payload.direction.value,
        subject=payload.subject,
        body=payload.body,
        occurred_at=payload.occurred_at,
    )
    return Status(201, interaction_out(item))


@router.get(
    "/{interaction_id}",
    auth=needs("interactions.view_interaction"),
    response={200: InteractionOut, **ONE_ERRORS},
)
def get_interaction(request, interaction_id: PathId):
    return interaction_out(get_object_or_404(Interaction.objects.select_related("staff"), pk=interaction_id))
