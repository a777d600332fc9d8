"""The outbox pages, for Admins: the mail Patron sent and keeps, newest first, and one message."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from patron.outbox.models import Message
from patron.outbox.selectors import message_get, message_list
from patron.outbox.services import mail_configured
from patron.pagination import keyset_page
from patron.web.lists import PAGE_SIZE


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *Message.Status.choices],
        required=False,
    )


@login_required
@require_GET
def messages_view(request):
    form = StatusForm(request.GET)
    page, error = None, None
    if form.is_valid():
        rows = message_list(by=request.user, status=form.cleaned_data["status"])
        try:
            page = keyset_page(rows, cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
        except ValidationError:  # a cursor not of ours: the first page
            return redirect("outbox:list")
    else:  # a status the page does not know: nothing shown rather than every message
        message_list(by=request.user)  # the permission, checked all the same
        error = _("Some filters are not valid; showing nothing until they are corrected.")
    context = {"form": form, "page": page, "error": error, "mail_configured": mail_configured()}
    return render(request, "outbox/messages.html", context)


@login_required
@require_GET
def message_view(request, pk):
    return render(request, "outbox/message.html", {"message": message_get(by=request.user, pk=pk)})
