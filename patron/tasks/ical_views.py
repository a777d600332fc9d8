"""The calendar feed (no login: its secret address is the key) and the page showing that address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from patron.tasks.ical import feed_calendar, feed_renew, feed_token, feed_user


@require_GET
def feed_view(request, token):
    user = feed_user(token)
    if user is None:
        raise Http404
    body = feed_calendar(user, root_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="patron-tasks.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def feed_page_view(request):
    """The reader's own calendar address; POST makes a new one, which ends the old."""
    if request.method == "POST":
        feed_renew(request.user)
        messages.success(request, _("A new address is made: the old one no longer works."))
        return redirect("tasks:feed_page")
    token = feed_token(request.user)
    url = request.build_absolute_uri(reverse("tasks:feed", args=[token]))
    return render(request, "tasks/feed.html", {"url": url, "webcal": "webcal://" + url.split("://", 1)[1]})
