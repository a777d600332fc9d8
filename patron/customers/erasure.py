"""Erasing a person (PDPA, Decree 13/2023, KVKK, DPA 2012 and the GDPR give them the right).

What every app declared in the registry decides what goes: rows deleted, orders kept as
anonymous sales on a record with no name (so revenue figures do not change), the audit trail
and merge records kept with their values taken out. Fields elsewhere that can hold a person's
data (an import's preview and summary, a failed job's arguments, an organisation's notes) have
every value of the person replaced, and a file in the data directory that names them is
deleted once the erasure commits. The erasure is audited with its reason, not the data.
"""

import re
import unicodedata
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from patron.accounts.permissions import require
from patron.customers.audit import Action, audit_record
from patron.customers.contact_kinds import NUMBER_KINDS
from patron.customers.export import records_of
from patron.customers.models import CHAT_KINDS, AuditEvent, ContactPoint, Customer, ExternalId
from patron.customers.phones import national_digits
from patron.customers.registry import OnErase, holdings, traces

ERASE_CUSTOMER = "customers.erase_customer"
MARK = "[erased]"
# Audit changes of these fields quote the person; their other changes (tags, country) do not.
PERSONAL_FIELDS = {
    "display_name",
    "given_name",
    "family_name",
    "emails",
    "phones",
    "external_ids",
    "birthday",
    *(kind.value for kind in CHAT_KINDS),
}
BUSY = gettext_noop(
    "A file being imported now names this person: erase them when the import has finished, "
    "or the import would bring them back."
)
# Encodings an imported text file may be in (see imports/text_encodings.py).
FILE_ENCODINGS = ("utf-8", "utf-16", "cp874", "cp1258", "cp1254", "cp1252")


def customer_erase(*, customer, reason, by):
    """Erase the person behind ``customer`` and every record merged into it; returns the
    customer, now a record with no name. Refused for a record merged into another (erase that
    one)."""
    require(by, ERASE_CUSTOMER)
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 500:
        raise ValidationError({"reason": [_("Say why this person is erased, in 1 to 500 characters.")]})
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.merged_into_id:
            raise ValidationError(
                _("This record was merged into another one: erase that one, and this one goes with it.")
            )
        if customer.erased_at:
            raise ValidationError(_("This person's data was erased already."))
        ids = records_of(customer)
        pattern = _pattern(person_values(ids))
        for holding in holdings():
            rows = holding.rows_of(ids)
            if holding.erase == OnErase.DELETE:
                rows.delete()
            elif holding.erase == OnErase.SCRUB:
                holding.scrub(rows, pattern)
        files = _scrub_traces(pattern)
        reason = scrubbed(reason, pattern)
        audit_record(customer=customer, actor=by, action=Action.ERASE, changes={"reason": [None, reason]})
        transaction.on_commit(lambda: _forget(files))
    customer.refresh_from_db()
    return customer


def _forget(files):
    """Delete the files that named the person, and on SQLite empty the write-ahead log, whose
    older copies of the changed pages still hold the erased values."""
    for path in files:
        path.unlink(missing_ok=True)
    if connection.vendor == "sqlite" and not connection.in_atomic_block:  # after the commit
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def person_values(ids):
    """Every value that names the people of ``ids``: names, contact points in their forms,
    external ids, birthdays, attribute values, and those their audit trail says they had."""
    values = set()
    for row in Customer.objects.filter(pk__in=ids).values(
        "display_name", "given_name", "family_name", "birthday", "attributes"
    ):
        values |= {row["display_name"], row["given_name"], row["family_name"], str(row["birthday"] or "")}
        values |= set(_strings(row["attributes"]))
    points = ContactPoint.objects.filter(customer__in=ids)
    for kind, value, normalised, match_key in points.values_list("kind", "value", "normalised", "match_key"):
        values |= {value, normalised, match_key}
        if kind in NUMBER_KINDS:
            values |= {normalised.lstrip("+"), national_digits(normalised)}
    values |= set(ExternalId.objects.filter(customer__in=ids).values_list("value", flat=True))
    for changes in AuditEvent.objects.filter(customer__in=ids).values_list("changes", flat=True):
        for name, change in (changes or {}).items():
            if name in PERSONAL_FIELDS or name.startswith("attributes"):
                values |= set(_strings(change))
    return {value.strip() for value in values if value and value.strip()}


def _pattern(values):
    """One pattern for every value, case and accents as written; a value of one or two letters
    only as a word of its own."""
    parts = []
    for value in sorted({unicodedata.normalize("NFC", v) for v in values}, key=len, reverse=True):
        escaped = re.escape(value)
        parts.append(escaped if len(value) > 2 else rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def scrubbed(value, pattern):
    """``value`` (text, or JSON as Python) with every match of ``pattern`` replaced by MARK."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(MARK, unicodedata.normalize("NFC", value))
    if isinstance(value, list):
        return [scrubbed(item, pattern) for item in value]
    if isinstance(value, dict):
        return {scrubbed(key, pattern): scrubbed(item, pattern) for key, item in value.items()}
    return value


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _scrub_traces(pattern):
    """Replace the person's values in every declared field elsewhere; returns the files that
    name them, to delete after the commit."""
    files = []
    for declared in traces():
        if not declared.personal:
            continue
        for row in declared.model.objects.select_for_update().order_by("pk"):
            changed = []
            for name in declared.fields:
                value = getattr(row, name)
                after = scrubbed(value, pattern)
                if after != value:
                    setattr(row, name, after)
                    changed.append(name)
            for name in declared.files:
                path = Path(getattr(row, name) or "")
                if getattr(row, name) and path.is_file() and file_names(path, pattern):
                    if declared.in_use and declared.in_use(row):
                        raise ValidationError(_(BUSY))
                    files.append(path)
                    setattr(row, name, "")
                    changed.append(name)
            if changed:
                row.save(update_fields=changed)
    return files


def file_names(path, pattern):
    """Whether the file at ``path`` holds a match of ``pattern``: an XLSX's parts read as text,
    any other file in each encoding an import may be in."""
    if pattern is None:
        return False
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            texts = [archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()]
    else:
        data = path.read_bytes()
        texts = [data.decode(encoding, "ignore") for encoding in FILE_ENCODINGS]
    return any(pattern.search(unicodedata.normalize("NFC", text)) for text in texts)


def scrub_profiles(rows, pattern):
    """A record with no name: its number as its name, every personal field emptied. The
    country and the dates stay, for figures by country and by month."""
    now = timezone.now()
    for pk in rows.values_list("pk", flat=True):
        Customer.objects.filter(pk=pk).update(
            display_name=f"#{pk}",
            given_name="",
            family_name="",
            locale="",
            time_zone="",
            birthday=None,
            gender="",
            attributes={},
            search_text="",
            erased_at=now,
            updated_at=now,
        )


def scrub_audit(rows, pattern):
    """The trail keeps which fields changed, when and by whom, never the values of personal ones."""
    for pk, changes in rows.values_list("pk", "changes"):
        kept = {
            name: None
            if name in PERSONAL_FIELDS or name.startswith("attributes")
            else scrubbed(change, pattern)
            for name, change in (changes or {}).items()
        }
        if kept != changes:
            AuditEvent.objects.filter(pk=pk).update(changes=kept)
