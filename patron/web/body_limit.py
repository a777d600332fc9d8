"""Request bodies are capped before anything reads them, so an oversized upload is refused
without being spooled to disk or memory.

Django reads a body only when a view or CsrfViewMiddleware asks for request.POST, after every
middleware's request phase: BodyLimitMiddleware looks at Content-Length there and answers 413.
A body sent in chunks has no Content-Length, and Django would take it for an empty one; the WSGI
wrapper in patron/wsgi.py reads such a body into memory up to PATRON_CHUNKED_MAX_BYTES and hands
it on with its length, or marks the request so that the middleware refuses it.
"""

import io

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

REFUSED_CHUNKED = "patron.refused_chunked_body"


class ChunkedBodyLimit:
    """WSGI wrapper: a chunked body within the bound becomes an ordinary one; a longer one is
    dropped unread past the bound, and the request marked for the middleware to refuse."""

    def __init__(self, application, limit):
        self.application = application
        self.limit = limit

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                environ[REFUSED_CHUNKED] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)


class BodyLimitMiddleware:
    """413, in one sentence in the user's language, for a body larger than the server takes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get(REFUSED_CHUNKED):
            return self.refuse(
                request,
                _("A request sent without a Content-Length may be at most %(size)s.")
                % {"size": filesizeformat(settings.PATRON_CHUNKED_MAX_BYTES)},
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an unreadable length as no body at all
        if length > settings.PATRON_REQUEST_MAX_BYTES:
            return self.refuse(
                request,
                _(
                    "This request is larger than the %(size)s the server accepts: split the file "
                    "into smaller ones and upload each, or ask whoever runs Patron to import it on "
                    "the server."
                )
                % {"size": filesizeformat(settings.PATRON_REQUEST_MAX_BYTES)},
            )
        return self.get_response(request)

    @staticmethod
    def refuse(request, sentence):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": sentence}, status=413)
        return render(request, "413.html", {"sentence": sentence}, status=413)
