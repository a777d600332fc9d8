"""/api/feedback: send a survey, read surveys and their answers, record an answer given by
phone, record and read feedback, list the categories; through the services the pages use.

Reading needs customers.view_customer (every role); sending and recording need
interactions.add_interaction (Admins, Marketers, Service agents), as on the customer page.
"""

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
from patron.feedback.models import Band, Feedback, FeedbackCategory, FeedbackKind, Survey, SurveyKind
from patron.feedback.services import LinkRefused, feedback_record, survey_answer, survey_comment, survey_send
from patron.pagination import keyset_page

router = Router(tags=["feedback"])

VIEW = "customers.view_customer"
CONTACT = "interactions.add_interaction"
Kind = api_enum("SurveyKind", SurveyKind)
BandOut = api_enum("SurveyBand", Band)
FeedbackKindEnum = api_enum("FeedbackKind", FeedbackKind)


class SurveyOut(Schema):
    id: int
    customer: int
    kind: Kind
    reason: str = Field(description="order, task, hand or playbook")
    status: str = Field(description="sent, failed (the mail server refused it) or skipped")
    skip_reason: str = Field(description="Why it was not sent: no_email, refused, too_soon, merged, erased")
    skip_reason_text: str = Field(description="The same in the caller's language")
    email: str
    language: str
    created_at: datetime
    expires_at: datetime | None
    score: int | None
    band: BandOut | None
    answered_at: datetime | None
    answered_by: str | None = Field(description="customer, staff or system")
    comment: str
    follow_up: int | None = Field(description="The follow-up task a detractor's answer opened")


class SurveyIn(In):
    customer: Id
    kind: Kind


class AnswerIn(In):
    score: int = Field(description="NPS 0-10, CSAT 1-5")
    comment: str = ""


class SurveyFilters(ListQuery):
    customer: QueryId | None = None
    kind: Kind | None = None
    answered: bool | None = Field(None, description="Only answered (true) or unanswered (false) surveys")


class FeedbackOut(Schema):
    id: int
    customer: int
    kind: FeedbackKindEnum
    category: int
    category_name: str
    text: str
    link: str
    occurred_at: datetime
    follow_up: int | None = Field(description="The follow-up task a complaint opened")
    recorded_by: str | None
    created_at: datetime


class FeedbackIn(In):
    customer: Id
    kind: FeedbackKindEnum
    category: Id = Field(description="A category in use (GET /api/feedback/categories)")
    text: str = ""
    link: str = Field("", max_length=500, description="Where a public review is published")
    occurred_at: DateTime | None = Field(None, description="Default: now")


class FeedbackFilters(ListQuery):
    customer: QueryId | None = None
    kind: FeedbackKindEnum | None = None


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool


def survey_out(survey):
    return {
        "id": survey.pk,
        "customer": survey.customer_id,
        "kind": survey.kind,
        "reason": survey.reason,
        "status": survey.status,
        "skip_reason": survey.skip_reason,
        "skip_reason_text": str(survey.get_skip_reason_display()) if survey.skip_reason else "",
        "email": survey.email,
        "language": survey.language,
        "created_at": survey.created_at,
        "expires_at": survey.expires_at,
        "score": survey.score,
        "band": survey.band or None,
        "answered_at": survey.answered_at,
        "answered_by": survey.answer_actor_kind or None,
        "comment": survey.comment,
        "follow_up": survey.follow_up_id,
    }


def feedback_out(item):
    return {
        "id": item.pk,
        "customer": item.customer_id,
        "kind": item.kind,
        "category": item.category_id,
        "category_name": str(item.category),
        "text": item.text,
        "link": item.link,
        "occurred_at": item.occurred_at,
        "follow_up": item.follow_up_id,
        "recorded_by": item.recorded_by.get_username() if item.recorded_by else None,
        "created_at": item.created_at,
    }


@router.post(
    "/surveys", auth=needs(CONTACT), response={201: SurveyOut, **CREATE_ERRORS, 404: ONE_ERRORS[404]}
)
def send_survey(request, payload: SurveyIn):
    """Send the customer a survey by e-mail now; 201 with the survey, whose ``status`` says
    whether it went (``skipped`` with the reason when it could not)."""
    customer = customer_or_404(payload.customer)
    survey = survey_send(
        by=request.user,
        customer=customer,
        kind=payload.kind.value,
        reason="hand",
        root_url=request.build_absolute_uri("/"),
    )
    return Status(201, survey_out(survey))


@router.get("/surveys", auth=needs(VIEW), response={200: ListOut[SurveyOut], **READ_ERRORS})
def list_surveys(request, filters: Query[SurveyFilters]):
    surveys = Survey.objects.all()
    if filters.customer is not None:
        surveys = surveys.filter(customer_id=filters.customer)
    if filters.kind is not None:
        surveys = surveys.filter(kind=filters.kind.value)
    if filters.answered is not None:
        surveys = surveys.filter(answered_at__isnull=not filters.answered)
    page = keyset_page(surveys, cursor=filters.cursor, limit=filters.limit)
    return {"items": [survey_out(s) for s in page.items], "next": page.next}


@router.get("/surveys/{survey_id}", auth=needs(VIEW), response={200: SurveyOut, **ONE_ERRORS})
def get_survey(request, survey_id: PathId):
    return survey_out(get_object_or_404(Survey, pk=survey_id))


@router.post(
    "/surveys/{survey_id}/answer",
    auth=needs(CONTACT),
    response={200: SurveyOut, 409: SurveyOut, **WRITE_ERRORS},
)
def answer_survey(request, survey_id: PathId, payload: AnswerIn):
    """Record the answer the customer gave another way (by phone), by the caller; 409 with the
    survey as it is when it was answered already (the first answer counts)."""
    survey = get_object_or_404(Survey, pk=survey_id)
    try:
        survey = survey_answer(by=request.user, survey=survey, score=payload.score)
    except LinkRefused as refusal:
        return Status(409, survey_out(refusal.survey))
    if payload.comment.strip():
        survey = survey_comment(by=request.user, survey=survey, comment=payload.comment)
    return survey_out(survey)


@router.post(
    "/feedback", auth=needs(CONTACT), response={201: FeedbackOut, **CREATE_ERRORS, 404: ONE_ERRORS[404]}
)
def record_feedback(request, payload: FeedbackIn):
    customer = customer_or_404(payload.customer)
    category = FeedbackCategory.objects.filter(pk=payload.category).first()
    item = feedback_record(
        by=request.user,
        customer=customer,
        kind=payload.kind.value,
        category=category,
        text=payload.text,
        link=payload.link,
        occurred_at=payload.occurred_at,
    )
    return Status(201, feedback_out(item))


@router.get("/feedback", auth=needs(VIEW), response={200: ListOut[FeedbackOut], **READ_ERRORS})
def list_feedback(request, filters: Query[FeedbackFilters]):
    items = Feedback.objects.select_related("category", "recorded_by")
    if filters.customer is not None:
        items = items.filter(customer_id=filters.customer)
    if filters.kind is not None:
        items = items.filter(kind=filters.kind.value)
    page = keyset_page(items, cursor=filters.cursor, limit=filters.limit)
    return {"items": [feedback_out(f) for f in page.items], "next": page.next}


@router.get("/categories", auth=needs(VIEW), response={200: list[CategoryOut], **READ_ERRORS})
def list_categories(request):
    return [
        {"id": c.pk, "code": c.code, "name": str(c), "is_active": c.is_active}
        for c in FeedbackCategory.objects.all()
    ]
