"""Pieces every API module shares: error bodies and the list envelope."""

from typing import Generic, TypeVar

from ninja import Schema
from pydantic import Field

Item = TypeVar("Item")


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


class ListQuery(Schema):
    cursor: str | None = Field(None, description="The `next` value of the previous page.")
    limit: int = Field(50, ge=1, le=200)


READ_ERRORS = {401: Message, 403: Message, 422: Errors}
ONE_ERRORS = {401: Message, 403: Message, 404: Message, 422: Errors}
