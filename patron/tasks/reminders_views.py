"""Dismissing a fired reminder's notice (tasks/_reminder_notices.html, on every page)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from patron.tasks.reminders import notice_dismiss


@login_required
@require_POST
def notice_dismiss_view(request, pk):
    """Dismiss one of the reader's own notices, then back to the page it was dismissed on."""
    notice_dismiss(by=request.user, notice_id=pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return redirect(target)
