"""The outbox page's reads: Admins only (outbox.read_mail), checked here for every caller."""

from django.shortcuts import get_object_or_404

from patron.accounts.permissions import require
from patron.outbox.models import Message

READ_MAIL = "outbox.read_mail"


def message_list(*, by, status=""):
    """The messages ``by`` may read, of ``status`` when given; the page orders them newest first."""
    require(by, READ_MAIL)
    messages = Message.objects.select_related("actor", "customer")
    return messages.filter(status=status) if status else messages


def message_get(*, by, pk):
    require(by, READ_MAIL)
    return get_object_or_404(Message.objects.select_related("actor", "customer"), pk=pk)
