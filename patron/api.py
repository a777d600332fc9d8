"""The REST API at /api/: django-ninja, OpenAPI 3 at /api/openapi.json, docs at /api/docs.

Endpoints are thin: they call the same services and selectors as the web UI, so the
two can never disagree on what a role may do or what input is valid.
"""

import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from patron.api_auth import BearerToken, TooManyFailures

api = NinjaAPI(
    title="Patron API",
    version="1",
    description=(
        "Customers, orders, interactions, organisations and consents.\n\n"
        "Send a personal API token with every request: `Authorization: Bearer pat_...`.\n\n"
        'Lists answer `{"items": [...], "next": cursor}`, latest added first; pass `next` back as '
        "`cursor` for the following page, until it is null. A query parameter a list does not "
        "know, or one given twice, is refused rather than ignored.\n\n"
        'Invalid input is answered 422 with `detail`: a list of `{"loc": path, "msg": text}`, '
        'where `loc` is the path of the field, such as `["body", "payload", "phones", 0]`. '
        "Times are RFC 3339 with an offset.\n\n"
        "A token without the operation's permission is answered 403 before the input is read. "
        "Too many wrong tokens from one address are answered 429, with `Retry-After` in seconds."
    ),
    # Each operation names its permissions (auth=needs(...)); this default, any live token, is
    # for none: test_api_permissions fails on an operation that reads input before a check.
    auth=BearerToken(),
    urls_namespace="api",
    # Swagger UI from the copy django-ninja ships (ninja is an installed app), never a CDN, and
    # no call to the public spec validator: the docs work on a machine with no internet.
    docs=Swagger(settings={"validatorUrl": None}),
)


def field_errors(error, prefix=("body", "payload")):
    """A Django ValidationError as ninja-style details, each with the path of its field.

    "phones.0" becomes [*prefix, "phones", 0]: list positions are numbers, as in the
    errors pydantic reports for the same body.
    """
    if hasattr(error, "error_dict"):
        return [
            {"loc": [*prefix, *_path(path)], "msg": message, "type": "value_error"}
            for path, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"loc": list(prefix), "msg": message, "type": "value_error"} for message in error.messages]


def _path(dotted):
    return [int(part) if part.isdecimal() else part for part in dotted.split(".")]


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    # Lists take their input from the query string, every other endpoint from its JSON body.
    prefix = ("query",) if request.method == "GET" else ("body", "payload")
    return api.create_response(request, {"detail": field_errors(exc, prefix)}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Forbidden")}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": _("Send a valid API token: Authorization: Bearer TOKEN.")}, status=401
    )


@api.exception_handler(TooManyFailures)
def on_too_many_failures(request, exc):
    minutes = math.ceil(exc.seconds / 60)
    said = ngettext(
        "Too many wrong API tokens from this address; try again in %(minutes)d minute.",
        "Too many wrong API tokens from this address; try again in %(minutes)d minutes.",
        minutes,
    )
    response = api.create_response(request, {"detail": said % {"minutes": minutes}}, status=429)
    response["Retry-After"] = str(exc.seconds)
    return response


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)


def unknown_path(request, rest=""):
    """Anything under /api/ that no endpoint answers: a JSON 404, as API clients expect."""
    return JsonResponse({"detail": _("There is no API endpoint at this path.")}, status=404)


def register_routers():
    from patron.customers.api import consents_router, customers_router
    from patron.duplicates.api import duplicates_router, merges_router, scans_router
    from patron.feedback.api import router as feedback_router
    from patron.interactions.api import router as interactions_router
    from patron.ladder.api import router as ladder_router
    from patron.loyalty.api import router as loyalty_router
    from patron.loyalty.api_coupons import router as coupons_router
    from patron.loyalty.api_referrals import router as referrals_router
    from patron.organisations.api import router as organisations_router
    from patron.relationships.api import router as relationships_router
    from patron.sales.api import router as orders_router
    from patron.scoring.api import runs_router, scores_router, segments_router
    from patron.tasks.api import router as tasks_router

    api.add_router("/customers", customers_router)
    api.add_router("/customers", loyalty_router)
    api.add_router("/customers", referrals_router)
    api.add_router("/consents", consents_router)
    api.add_router("/coupons", coupons_router)
    api.add_router("/orders", orders_router)
    api.add_router("/interactions", interactions_router)
    api.add_router("/organisations", organisations_router)
    api.add_router("/duplicates", duplicates_router)
    api.add_router("/merges", merges_router)
    api.add_router("/duplicate-scans", scans_router)
    api.add_router("/scores", scores_router)
    api.add_router("/segments", segments_router)
    api.add_router("/scoring-runs", runs_router)
    api.add_router("/tasks", tasks_router)
    api.add_router("/feedback", feedback_router)
    api.add_router("/ladder", ladder_router)
    api.add_router("/relationships", relationships_router)


register_routers()
