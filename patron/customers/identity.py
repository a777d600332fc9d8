"""Exact identity matching: the same external id, e-mail, phone or chat id is the same customer.

E-mail addresses match case-insensitively everywhere. Only where a provider really ignores
them are dots and "+tags" dropped: Gmail delivers a.n.nguyen+shop@gmail.com to
annguyen@gmail.com (and googlemail.com is the same service); most other providers treat dots
as part of the name, so dropping them there would merge different people.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from patron.customers.models import ContactKind, ContactPoint, ExternalId

DOTLESS_PROVIDERS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
# The common shape of an address (ASCII letters, digits, "_+-" and dots between them; a host
# name with a letters-only top-level domain): Django's EmailValidator accepts every address of
# this shape, and answers it five times slower.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,63}\Z"
)


def is_email_address(address):
    """Whether Django's ``validate_email`` accepts ``address``."""
    if len(address) <= 320 and _PLAIN_ADDRESS.match(address):
        return True
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def email_match_key(address):
    local, _at, domain = address.strip().casefold().rpartition("@")
    if domain in DOTLESS_PROVIDERS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = DOTLESS_PROVIDERS[domain]
    return f"{local}@{domain}"


def find_existing(*, external_ids=(), emails=(), phones_e164=(), chat_keys=()):
    """The live customer that holds one of these identities, and what matched, or (None, None).

    External ids are checked first (they come from a system of record), then e-mails, then
    phones, then chat ids (``chat_keys``: (kind, match key) pairs, kinds in ContactKind's
    order); what matched is "external_id" or the contact point's kind. A match on a merged
    record leads to the customer it was merged into.
    """
    keys = {ContactKind.EMAIL: {email_match_key(e) for e in emails}, ContactKind.PHONE: set(phones_e164)}
    for kind, key in chat_keys:
        keys.setdefault(kind, set()).add(key)
    lookups = []
    if external_ids:
        condition = Q(*[Q(source=s, value=v) for s, v in external_ids], _connector=Q.OR)
        lookups.append(("external_id", ExternalId.objects.filter(condition)))
    for kind in ContactKind.values:
        if keys.get(kind):
            lookups.append((kind, ContactPoint.objects.filter(kind=kind, match_key__in=sorted(keys[kind]))))
    for reason, rows in lookups:
        found = rows.select_related("customer").order_by("pk").first()
        if found:
            customer = found.customer
            while customer.merged_into_id:
                customer = customer.merged_into
            return customer, reason
    return None, None
