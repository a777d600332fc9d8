"""The public survey pages, reached from the e-mail's links without logging in.

A link is /feedback/s/<survey id>/<token>/<score>/. Opening it (GET, HEAD) records nothing: mail
scanners (Safe Links, Proofpoint, Mimecast, gateways) open every link of an e-mail, often before
the person reads it. It answers a page in the customer's language that shows the chosen score
and sends it by a POST form to the same address, by itself on load (feedback/answer.js, a file
of Patron's own: the Content-Security-Policy allows no inline script) or, without JavaScript, by
its one button. The POST records the answer (the first counts), with the customer as the actor,
and thanks them with a comment box.

The browser that answered gets a signed cookie for this survey's links: from it, for
services.CORRECTION_MINUTES and before a comment, another of the e-mail's links changes the score
(a mis-tap mended); from anywhere else, it says the survey was answered already. A link that is
forged, names another survey or has expired changes nothing and says so on a page of its own,
for GET and POST alike.

The forms are not CSRF-protected: the token in their address is the secret that proves who
writes, and a phone's mail app may open the page without the session cookie.
"""

from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from patron.actors import Actor
from patron.feedback.models import SCORES, SurveyKind
from patron.feedback.services import (
    CORRECTION_MINUTES,
    LinkRefused,
    correctable,
    customer_language,
    survey_answer,
    survey_by_link,
    survey_comment,
    survey_correct,
)
from patron.workspace.services import get_workspace

STATUS = {"invalid": 404, "expired": 410, "answered": 200}
COOKIE_SALT = "patron.feedback.answered"


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
        "correctable": not already and correctable(survey),
        "minutes": CORRECTION_MINUTES,
    }
    return _page(request, "feedback/public/thanks.html", context, _language(request, survey), status)


def _cookie_name(survey):
    return f"patron_survey_{survey.pk}"


def _answered_here(request, survey):
    """Whether this browser gave the survey's answer (its signed cookie, young enough)."""
    try:
        value = request.get_signed_cookie(
            _cookie_name(survey), salt=COOKIE_SALT, max_age=CORRECTION_MINUTES * 60
        )
    except (KeyError, BadSignature):
        return False
    return value == str(survey.pk)


def _remember(request, response, survey):
    """Give the browser that answered the cookie that lets it correct the score (its links only)."""
    response.set_signed_cookie(
        _cookie_name(survey),
        str(survey.pk),
        salt=COOKIE_SALT,
        max_age=CORRECTION_MINUTES * 60,
        path=request.path.rsplit("/", 2)[0] + "/",  # this survey's links: /feedback/s/<id>/<token>/
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, survey_id, token, score):
    """GET and HEAD: the page that sends the score (or says it was answered); POST: record it."""
    try:
        survey = survey_by_link(survey_id, token)
    except LinkRefused as refusal:
        return _refused(request, refusal, _language(request, refusal.survey))
    if score not in SCORES[survey.kind]:
        return _refused(request, LinkRefused("invalid"), _language(request, survey))
    may_correct = survey.answered_at is not None and correctable(survey) and _answered_here(request, survey)
    if request.method != "POST":
        if survey.answered_at is not None and not may_correct:
            return _thanks(request, survey, token, already=True)
        context = {"survey": survey, "score": score, "nps": survey.kind == SurveyKind.NPS}
        return _page(request, "feedback/public/confirm.html", context, _language(request, survey))
    actor = Actor.customer(survey.customer)
    try:
        if may_correct:
            survey = survey_correct(by=actor, survey=survey, score=score)
        else:
            survey = survey_answer(by=actor, survey=survey, score=score)
    except LinkRefused as refusal:
        return _thanks(request, refusal.survey, token, already=True)
    return _remember(request, _thanks(request, survey, token), survey)


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
