"""The public survey pages, reached from the e-mail's links without logging in.

A link is /feedback/s/<survey id>/<token>/<score>/: opening it records the score at once (the
first answer counts), thanks the customer in their language and offers a comment box. A link
that is forged, names another survey, has expired or was answered already changes nothing and
says so on a page of its own. The pages stand alone: no staff menu, no asset from elsewhere.

The comment form is not CSRF-protected: the token in its address is the secret that proves who
writes, and a phone's mail app may open the page without the session cookie.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from patron.actors import Actor
from patron.feedback.models import SCORES, SurveyKind
from patron.feedback.services import (
    LinkRefused,
    customer_language,
    survey_answer,
    survey_by_link,
    survey_comment,
)
from patron.workspace.services import get_workspace

STATUS = {"invalid": 404, "expired": 410, "answered": 200}


def _page(request, template, context, language, status=200):
    with translation.override(language):
        context = {"workspace": get_workspace(), "language": language, **context}
        response = render(request, template, context, status=status)
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the link's token stays out of other sites' logs
    return response


def _refused(request, refusal, language):
    context = {"code": refusal.code, "survey": refusal.survey}
    return _page(request, "feedback/public/refused.html", context, language, STATUS[refusal.code])


def _language(request, survey=None):
    if survey is not None:
        return survey.language or customer_language(survey.customer)
    return translation.get_language_from_request(request)


def _thanks(request, survey, token, *, already=False, errors=None, status=200):
    context = {
        "survey": survey,
        "token": token,
        "already": already,
        "errors": errors or [],
        "scale": SCORES[survey.kind],
        "nps": survey.kind == SurveyKind.NPS,
    }
    return _page(request, "feedback/public/thanks.html", context, _language(request, survey), status)


@require_GET
def answer(request, survey_id, token, score):
    try:
        survey = survey_by_link(survey_id, token)
    except LinkRefused as refusal:
        return _refused(request, refusal, _language(request, refusal.survey))
    if score not in SCORES[survey.kind]:
        return _refused(request, LinkRefused("invalid"), _language(request, survey))
    try:
        survey = survey_answer(by=Actor.customer(survey.customer), survey=survey, score=score)
    except LinkRefused as refusal:
        return _thanks(request, refusal.survey, token, already=True)
    return _thanks(request, survey, token)


@csrf_exempt
@require_POST
def comment(request, survey_id, token):
    try:
        survey = survey_by_link(survey_id, token)
    except LinkRefused as refusal:
        return _refused(request, refusal, _language(request, refusal.survey))
    try:
        survey = survey_comment(
            by=Actor.customer(survey.customer), survey=survey, comment=request.POST.get("comment")
        )
    except LinkRefused as refusal:
        return _thanks(request, refusal.survey, token, already=True)
    except ValidationError as error:
        with translation.override(_language(request, survey)):
            messages = [str(m) for m in error.messages]
        return _thanks(request, survey, token, errors=messages, status=400)
    return _thanks(request, survey, token)
