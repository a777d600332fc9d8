"""/api/relationships: a customer's or an organisation's relationship level, set with a reason,
its history, and the level the evidence suggests (accepted in one call)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from patron.actors import actor_text
from patron.api_auth import needs
from patron.api_schemas import ONE_ERRORS, WRITE_ERRORS, In, ListOut, ListQuery, PathId, api_enum
from patron.customers.selectors import customer_or_404
from patron.organisations.models import Organisation
from patron.pagination import keyset_page
from patron.relationships.models import Level
from patron.relationships.selectors import level_history, level_of
from patron.relationships.services import level_set, suggestion_accept
from patron.relationships.suggestions import suggest

router = Router(tags=["relationships"])

LevelName = api_enum("RelationshipLevel", Level)


class SuggestionOut(Schema):
    level: LevelName
    reason: str


class LevelOut(Schema):
    level: LevelName | None = Field(description="null: no level yet")
    since: datetime | None
    reason: str
    suggested: bool = Field(description="The level was the suggestion from evidence, accepted")
    set_by: str | None = Field(description="The user name of whoever set it")
    suggestion: SuggestionOut | None = Field(description="The level the evidence suggests now")


class LevelIn(In):
    level: LevelName
    reason: str = Field(description="Required: why, in words (at most 1,000 characters)")


class ChangeOut(Schema):
    id: int
    level: LevelName
    previous: LevelName | None
    reason: str
    suggested: bool
    set_by: str | None
    by: str = Field(description="Who, in words")
    at: datetime


def _level_out(current, suggestion):
    change = current.change if current else None
    return {
        "level": current.level if current else None,
        "since": current.since if current else None,
        "reason": change.reason if change else "",
        "suggested": change.suggested if change else False,
        "set_by": change.set_by.get_username() if change and change.set_by else None,
        "suggestion": {"level": suggestion.level, "reason": suggestion.reason} if suggestion else None,
    }


def _change_out(change):
    return {
        "id": change.pk,
        "level": change.level,
        "previous": change.previous or None,
        "reason": change.reason,
        "suggested": change.suggested,
        "set_by": change.set_by.get_username() if change.set_by else None,
        "by": actor_text(change.actor_kind, change.set_by, change.actor_job),
        "at": change.at,
    }


def _party(kind, pk):
    if kind == "customer":
        return {"customer": customer_or_404(pk)}
    return {"organisation": get_object_or_404(Organisation, pk=pk)}


def _get(kind, pk):
    party = _party(kind, pk)
    return _level_out(level_of(**party), suggest(**party))


def _put(request, kind, pk, payload):
    party = _party(kind, pk)
    level_set(by=request.user, level=payload.level.value, reason=payload.reason, **party)
    return _level_out(level_of(**party), suggest(**party))


class AcceptIn(In):
    level: LevelName | None = Field(None, description="The suggestion as seen: refused (422) if it changed")


def _accept(request, kind, pk, payload):
    party = _party(kind, pk)
    level = payload.level.value if payload is not None and payload.level is not None else None
    suggestion_accept(by=request.user, level=level, **party)
    return _level_out(level_of(**party), suggest(**party))


def _history(kind, pk, filters):
    page = keyset_page(level_history(**_party(kind, pk)), cursor=filters.cursor, limit=filters.limit)
    return {"items": [_change_out(change) for change in page.items], "next": page.next}


VIEW, SET = needs("relationships.view_customerlevel"), needs("relationships.set_level")


@router.get("/customers/{customer_id}", auth=VIEW, response={200: LevelOut, **ONE_ERRORS})
def get_customer_level(request, customer_id: PathId):
    return _get("customer", customer_id)


@router.put("/customers/{customer_id}", auth=SET, response={200: LevelOut, **WRITE_ERRORS})
def put_customer_level(request, customer_id: PathId, payload: LevelIn):
    return _put(request, "customer", customer_id, payload)


@router.post("/customers/{customer_id}/accept", auth=SET, response={200: LevelOut, **WRITE_ERRORS})
def accept_customer_suggestion(request, customer_id: PathId, payload: AcceptIn | None = None):
    return _accept(request, "customer", customer_id, payload)


@router.get("/customers/{customer_id}/history", auth=VIEW, response={200: ListOut[ChangeOut], **ONE_ERRORS})
def customer_level_history(request, customer_id: PathId, filters: Query[ListQuery]):
    return _history("customer", customer_id, filters)


@router.get("/organisations/{organisation_id}", auth=VIEW, response={200: LevelOut, **ONE_ERRORS})
def get_organisation_level(request, organisation_id: PathId):
    return _get("organisation", organisation_id)


@router.put("/organisations/{organisation_id}", auth=SET, response={200: LevelOut, **WRITE_ERRORS})
def put_organisation_level(request, organisation_id: PathId, payload: LevelIn):
    return _put(request, "organisation", organisation_id, payload)


@router.post("/organisations/{organisation_id}/accept", auth=SET, response={200: LevelOut, **WRITE_ERRORS})
def accept_organisation_suggestion(request, organisation_id: PathId, payload: AcceptIn | None = None):
    return _accept(request, "organisation", organisation_id, payload)


@router.get(
    "/organisations/{organisation_id}/history", auth=VIEW, response={200: ListOut[ChangeOut], **ONE_ERRORS}
)
def organisation_level_history(request, organisation_id: PathId, filters: Query[ListQuery]):
    return _history("organisation", organisation_id, filters)
