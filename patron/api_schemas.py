"""Pieces every API module shares: input checks, error bodies and the list envelope."""

import math
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from patron.control_characters import control_character

Item = TypeVar("Item")

# Primary keys are 64-bit on every database Patron runs on; a larger number is no row of ours.
MAX_ID = 2**63 - 1
# In a JSON body an id is a JSON number: "5" or true is refused, as the document says.
# In a query string or a path everything is text, so there the number is read from it.
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]

_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
_LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)
_SURROGATES = re.compile("[\ud800-\udfff]")


def _invalid(message):
    """An error pydantic reports as it is, without its "Value error, " in front."""
    return PydanticCustomError("value_error", str(message))


def _text_matching(pattern, message):
    def check(value):
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        if isinstance(value, date) and not isinstance(value, str):
            return value  # already parsed, when a schema is built in Python rather than from JSON
        raise _invalid(message)

    return BeforeValidator(check)


def _in_utc(value):
    """The same instant in UTC: PostgreSQL refuses offsets beyond ±15:59, RFC 3339 allows ±23:59.

    A day's margin at either end of the calendar keeps it convertible to any time zone.
    """
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        value = None
    if value is None or not _EARLIEST <= value <= _LATEST:
        raise _invalid(_("This time is out of range."))
    return value


# Pydantic would also read numbers as Unix times and dates as midnights; the document
# promises RFC 3339 text, so that is all the API takes.
DateTime = Annotated[
    AwareDatetime,
    AfterValidator(_in_utc),
    _text_matching(_DATE_TIME, gettext_lazy("Give a time with its offset: 2024-05-01T09:30:00+07:00.")),
    Field(description="RFC 3339, with an offset: 2024-05-01T09:30:00+07:00"),
]
Day = Annotated[date, _text_matching(_DATE, gettext_lazy("Give a date as YYYY-MM-DD."))]


def api_enum(name, choices):
    """A model's TextChoices under a name of its own in the OpenAPI document.

    Two choice classes both called `Channel` would otherwise share one schema there, and
    the document would list one's values for the other.
    """
    return StrEnum(name, {member.name: member.value for member in choices})


def _check_value(value):
    """Refuse what no database column can store, so the client hears 422 rather than 500."""
    if isinstance(value, str):
        code = control_character(value)
        if code:
            raise _invalid(_("Text must not contain the control character %(code)s.") % {"code": code})
        if _SURROGATES.search(value):
            raise _invalid(_("Text must be valid Unicode, without lone surrogates."))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _invalid(_("Numbers must be finite."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key)
            _check_value(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _check_value(item)


class In(Schema):
    """Base of every request body and query.

    Fields the schema does not name are refused, not ignored, and so are text, numbers and
    times no database column can store: the client hears 422 rather than 500.
    """

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, value, handler, info):
        # Replaces ninja's, which would read attributes off anything (a list, a number) and
        # so take `[null]` for an empty PATCH. Input is a JSON object and nothing else.
        if not isinstance(value, dict | cls):
            raise _invalid(_("Send a JSON object."))
        return handler(value)

    @field_validator("*")
    @classmethod
    def storable(cls, value):
        _check_value(value)
        return value


class ErrorDetail(Schema):
    loc: list[str | int]
    msg: str
    type: str | None = None


class Errors(Schema):
    detail: list[ErrorDetail]


class Message(Schema):
    detail: str


class ListOut(Schema, Generic[Item]):
    items: list[Item]
    next: str | None = Field(description="Cursor of the next page, or null on the last page.")


class ListQuery(In):
    """Cursor and page size, which every list takes, and the check of its parameters."""

    cursor: str | None = Field(None, description="The `next` value of the previous page.")
    limit: int = Field(50, ge=1, le=200)

    @model_validator(mode="before")
    @classmethod
    def known_parameters(cls, value, info):
        # Refused rather than ignored: an unknown name (a typo) or a second value (which
        # would silently win) could widen a list to rows the client did not ask for.
        request = (info.context or {}).get("request")
        if request is None:
            return value
        errors = {}
        for name, values in request.GET.lists():
            if name not in cls.model_fields:
                errors[name] = [_("This list has no parameter %(name)s.") % {"name": name}]
            elif len(values) > 1:
                errors[name] = [_("Give %(name)s once.") % {"name": name}]
        if errors:
            raise ValidationError(errors)
        return value


# 429: too many wrong tokens from the caller's address lately (patron.api_auth).
READ_ERRORS = {401: Message, 403: Message, 422: Errors, 429: Message}
ONE_ERRORS = {401: Message, 403: Message, 404: Message, 422: Errors, 429: Message}
# A body that is not JSON at all is refused before it reaches the endpoint.
CREATE_ERRORS = {400: Message, **READ_ERRORS}
WRITE_ERRORS = {400: Message, **ONE_ERRORS}


@contextmanager
def fields_renamed(**names):
    """Report a service's errors under the API's field names: fields_renamed(owner_id="owner")."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed = {}
        for path, messages in exc.message_dict.items():
            head, dot, rest = path.partition(".")
            renamed[names.get(head, head) + dot + rest] = messages
        raise ValidationError(renamed) from exc
