"""/api/tasks: a customer's or an organisation's tasks, through the services the pages will use.

Missing fields are checked by the services (the customer, the title, the due time, the
assignee), so each refusal is said in the caller's language at its field.
"""

from datetime import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field, Strict

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
from patron.customers.selectors import customer_or_404
from patron.interactions.api import Direction, InteractionChannel
from patron.organisations.models import Organisation
from patron.pagination import keyset_page
from patron.tasks.models import Task, TaskState
from patron.tasks.selectors import task_list
from patron.tasks.services import (
    assignee_by_username,
    task_cancel,
    task_complete,
    task_create,
    task_snooze,
    task_update,
)

router = Router(tags=["tasks"])

TaskKind = api_enum("TaskKind", Task.Kind)
TaskStatus = api_enum("TaskStatus", Task.Status)
TaskStateOut = api_enum("TaskState", TaskState)
Minutes = Annotated[int, Strict()]


class ReminderOut(Schema):
    minutes_before: int
    fire_at: datetime
    sent_at: datetime | None


class TaskOut(Schema):
    id: int
    customer: int | None
    organisation: int | None
    title: str
    kind: TaskKind
    due_at: datetime
    assignee: str | None
    notes: str
    status: TaskStatus
    state: TaskStateOut = Field(description="open, overdue, snoozed, done or cancelled, now")
    snoozed_until: datetime | None
    completed_at: datetime | None
    interaction: int | None = Field(description="The contact logged when it was completed")
    remind_before_minutes: list[int]
    reminders: list[ReminderOut]
    repeat_every_days: int | None = Field(description="Once done, the next task this many days later")
    repeats: int | None = Field(description="The task this one follows, when it repeats one")
    rule: int | None = Field(description="The follow-up rule that made it, for its order")
    order: int | None
    created_by: str | None
    created_at: datetime


class TaskIn(In):
    customer: Id | None = Field(None, description="The customer's id (or give organisation)")
    organisation: Id | None = None
    title: str | None = Field(None, description="Required: 1 to 200 characters")
    kind: TaskKind = TaskKind.OTHER
    due_at: DateTime | None = Field(None, description="Required")
    assignee: str | None = Field(None, description="Required: the user name of an active member of staff")
    notes: str = ""
    remind_before_minutes: list[Minutes] = Field(
        [], description="A reminder this many minutes before the due time, for each number"
    )
    repeat_every_days: Minutes | None = Field(
        None, description="1 to 3650: once done, the next task is due this many days after"
    )


class TaskPatch(In):
    title: str | None = None
    kind: TaskKind | None = None
    due_at: DateTime | None = None
    assignee: str | None = None
    notes: str | None = None
    remind_before_minutes: list[Minutes] | None = Field(
        None, description="Replaces the reminders not yet sent"
    )
    repeat_every_days: Minutes | None = Field(None, description="1 to 3650, or null: no longer repeats")


class InteractionLogIn(In):
    channel: InteractionChannel
    direction: Direction
    subject: str = Field("", max_length=200, description="Default: the task's title")
    body: str = ""


class CompleteIn(In):
    interaction: InteractionLogIn | None = Field(None, description="Log this contact in the same step")


class SnoozeIn(In):
    until: DateTime


class TaskFilters(ListQuery):
    assignee: str | None = Field(None, description="A user name")
    customer: QueryId | None = None
    status: TaskStatus | None = None
    due_before: DateTime | None = Field(None, description="Due before this time")
    due_after: DateTime | None = Field(None, description="Due at or after this time")


def task_out(task):
    reminders = sorted(task.reminders.all(), key=lambda r: r.minutes_before)
    return {
        "id": task.pk,
        "customer": task.customer_id,
        "organisation": task.organisation_id,
        "title": task.title,
        "kind": task.kind,
        "due_at": task.due_at,
        "assignee": task.assignee.get_username() if task.assignee else None,
        "notes": task.notes,
        "status": task.status,
        "state": task.state(),
        "snoozed_until": task.snoozed_until,
        "completed_at": task.completed_at,
        "interaction": task.interaction_id,
        "remind_before_minutes": [r.minutes_before for r in reminders],
        "reminders": [
            {"minutes_before": r.minutes_before, "fire_at": r.fire_at, "sent_at": r.sent_at}
            for r in reminders
        ],
        "repeat_every_days": task.repeat_every_days,
        "repeats": task.repeats_id,
        "rule": task.rule_id,
        "order": task.order_id,
        "created_by": task.created_by.get_username() if task.created_by else None,
        "created_at": task.created_at,
    }


def _task_or_404(task_id):
    return get_object_or_404(task_list(), pk=task_id)


@router.get("", auth=needs("tasks.view_task"), response={200: ListOut[TaskOut], **READ_ERRORS})
def list_tasks(request, filters: Query[TaskFilters]):
    assignee = assignee_by_username(filters.assignee) if filters.assignee is not None else None
    tasks = task_list(
        assignee=assignee,
        customer=filters.customer,
        status=filters.status.value if filters.status else None,
        due_before=filters.due_before,
        due_after=filters.due_after,
    )
    page = keyset_page(tasks, cursor=filters.cursor, limit=filters.limit)
    return {"items": [task_out(t) for t in page.items], "next": page.next}


@router.post("", auth=needs("tasks.add_task"), response={201: TaskOut, **WRITE_ERRORS})
def create_task(request, payload: TaskIn):
    customer = customer_or_404(payload.customer) if payload.customer is not None else None
    organisation = (
        get_object_or_404(Organisation, pk=payload.organisation) if payload.organisation is not None else None
    )
    task = task_create(
        by=request.user,
        customer=customer,
        organisation=organisation,
        title=payload.title,
        kind=payload.kind.value,
        due_at=payload.due_at,
        assignee=assignee_by_username(payload.assignee),
        notes=payload.notes,
        remind_before_minutes=payload.remind_before_minutes,
        repeat_every_days=payload.repeat_every_days,
    )
    return Status(201, task_out(_task_or_404(task.pk)))


@router.get("/{task_id}", auth=needs("tasks.view_task"), response={200: TaskOut, **ONE_ERRORS})
def get_task(request, task_id: PathId):
    return task_out(_task_or_404(task_id))


@router.patch("/{task_id}", auth=needs("tasks.change_task"), response={200: TaskOut, **WRITE_ERRORS})
def update_task(request, task_id: PathId, payload: TaskPatch):
    task = _task_or_404(task_id)
    changes = payload.dict(exclude_unset=True)
    if "assignee" in changes:
        changes["assignee"] = assignee_by_username(changes["assignee"])
    if changes.get("kind") is not None:
        changes["kind"] = changes["kind"].value
    task_update(by=request.user, task=task, **changes)
    return task_out(_task_or_404(task_id))


@router.post("/{task_id}/complete", auth=needs("tasks.change_task"), response={200: TaskOut, **WRITE_ERRORS})
def complete_task(request, task_id: PathId, payload: CompleteIn | None = None):
    task = _task_or_404(task_id)
    interaction = None
    if payload is not None and payload.interaction is not None:
        interaction = payload.interaction.dict(exclude_unset=True)
        interaction["channel"] = interaction["channel"].value
        interaction["direction"] = interaction["direction"].value
    task_complete(by=request.user, task=task, interaction=interaction)
    return task_out(_task_or_404(task_id))


@router.post("/{task_id}/cancel", auth=needs("tasks.change_task"), response={200: TaskOut, **WRITE_ERRORS})
def cancel_task(request, task_id: PathId):
    task_cancel(by=request.user, task=_task_or_404(task_id))
    return task_out(_task_or_404(task_id))


@router.post("/{task_id}/snooze", auth=needs("tasks.change_task"), response={200: TaskOut, **WRITE_ERRORS})
def snooze_task(request, task_id: PathId, payload: SnoozeIn):
    task_snooze(by=request.user, task=_task_or_404(task_id), until=payload.until)
    return task_out(_task_or_404(task_id))
