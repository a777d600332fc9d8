"""Exchange rates, kept by Admins: one rate added, changed or deleted, a rate file imported,
and the reads of the rates page. Every service checks its permission with
accounts.permissions.require, so the page and any API agree, and records each change in
Django's admin log (LogEntry: who, when, which rate, old and new value), where the rate's
history in the admin shows it.

Orders already recorded keep the rate they were recorded with: changing or deleting a rate
changes no order.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.workspace.models import ExchangeRate
from patron.workspace.money import CURRENCY_CODES
from patron.workspace.rate_files import FOREIGN_IN_BASE, read_rates
from patron.workspace.rate_numbers import RateProblem, read_rate
from patron.workspace.services import get_workspace

KEEP = "workspace.change_exchangerate"
"""The permission to see and keep the rates (Admins)."""


def saved_rates(currencies, start, end):
    """{(currency, day): rate} of the saved rates of ``currencies`` from ``start`` to ``end``."""
    rows = ExchangeRate.objects.filter(currency__in=currencies, date__range=(start, end))
    return {(c, d): r for c, d, r in rows.values_list("currency", "date", "rate")}


# --------------------------------------------------------------------------- one rate


def _check_currency(code, base):
    code = (code or "").strip().upper()
    if code not in CURRENCY_CODES:
        raise ValidationError(
            {"currency": [_("'%(value)s' is not a currency code (such as USD).") % {"value": code}]}
        )
    if code == base:
        raise ValidationError(
            {"currency": [_("%(code)s is the base currency: it has no exchange rate.") % {"code": code}]}
        )
    return code


def rate_save(*, currency, day, rate, by, decimal=None):
    """Add the rate of ``currency`` on ``day``, or change it. ``rate``: a Decimal, or text read
    with ``decimal`` as the decimal sign where the value does not show its own.
    Returns ("added" | "changed" | "same", the ExchangeRate)."""
    require(by, KEEP, "workspace.add_exchangerate")
    currency = _check_currency(currency, get_workspace().currency)
    if not isinstance(day, date):
        raise ValidationError({"date": [_("Give the date of the rate.")]})
    try:
        value = read_rate(str(rate) if isinstance(rate, Decimal) else rate, decimal)
    except RateProblem as problem:
        raise ValidationError({"rate": [problem.message]}) from None
    with transaction.atomic():
        saved = ExchangeRate.objects.select_for_update().filter(currency=currency, date=day).first()
        if saved is None:
            try:
                with transaction.atomic():
                    saved = ExchangeRate.objects.create(currency=currency, date=day, rate=value)
            except IntegrityError:
                raise ValidationError(
                    {"rate": [_("Someone saved this rate at the same moment; look at it again.")]}
                ) from None
            _log([saved], by, ADDITION, lambda r: _text(None, r.rate))
            return "added", saved
        if saved.rate == value:
            return "same", saved
        old = saved.rate
        saved.rate = value
        saved.save(update_fields=["rate"])
        _log([saved], by, CHANGE, lambda r: _text(old, r.rate))
        return "changed", saved


def rate_delete(*, currency, day, by):
    """Delete the rate of ``currency`` on ``day``; False when there was none."""
    require(by, KEEP, "workspace.delete_exchangerate")
    with transaction.atomic():
        saved = ExchangeRate.objects.select_for_update().filter(currency=currency, date=day).first()
        if saved is None:
            return False
        _log([saved], by, DELETION, lambda r: _text(r.rate, None))
        saved.delete()
    return True


# --------------------------------------------------------------------------- a rate file


def rates_preview(*, cells, by, date_order=None, decimal=None, quote=FOREIGN_IN_BASE):
    """How the rate file's ``cells`` will be read (patron.workspace.rate_files.Reading)."""
    require(by, KEEP, "workspace.add_exchangerate")
    return read_rates(
        cells,
        base=get_workspace().currency,
        existing=saved_rates,
        date_order=date_order,
        decimal=decimal,
        quote=quote,
    )


def rates_import(*, cells, by, expected, date_order=None, decimal=None, quote=FOREIGN_IN_BASE):
    """Save every rate of the file, or none: ValidationError when a rate cannot be read, a
    question is open, or the saved rates changed since the preview said ``expected`` (added,
    changed). Returns (added, changed)."""
    require(by, KEEP, "workspace.add_exchangerate")
    with transaction.atomic():
        reading = rates_preview(cells=cells, by=by, date_order=date_order, decimal=decimal, quote=quote)
        if reading.questions or reading.problems:
            raise ValidationError(_("Some rates cannot be read; nothing was saved."))
        if (reading.added, reading.changed) != tuple(expected):
            raise ValidationError(
                _("The saved rates changed since this preview; nothing was saved. Look at the preview again.")
            )
        lines = [ln for ln in reading.lines if ln.status in ("new", "changed")]
        if not lines:
            raise ValidationError(_("This file holds no rate that is not saved already."))
        source = reading.name
        new = [ln for ln in lines if ln.status == "new"]
        changed = [ln for ln in lines if ln.status == "changed"]
        try:
            with transaction.atomic():
                added = ExchangeRate.objects.bulk_create(
                    (ExchangeRate(currency=ln.currency, date=ln.day, rate=ln.rate) for ln in new),
                    batch_size=2000,
                )
        except IntegrityError:
            raise ValidationError(
                _("The saved rates changed since this preview; nothing was saved. Look at the preview again.")
            ) from None
        pks = _saved_pks(changed)
        _update_rates([(pks[(ln.currency, ln.day)], ln.rate) for ln in changed])
        _log_rows(by, ADDITION, [(r.pk, r.currency, r.date, _text(None, r.rate, source)) for r in added])
        _log_rows(
            by,
            CHANGE,
            [
                (pks[(ln.currency, ln.day)], ln.currency, ln.day, _text(ln.current, ln.rate, source))
                for ln in changed
            ],
        )
    return len(added), len(changed)


def _saved_pks(lines):
    """{(currency, day): id} of the saved rates of ``lines``, locked until the commit."""
    if not lines:
        return {}
    days = [ln.day for ln in lines]
    wanted = {(ln.currency, ln.day) for ln in lines}
    rows = (
        ExchangeRate.objects.select_for_update()
        .filter(currency__in={ln.currency for ln in lines}, date__range=(min(days), max(days)))
        .values_list("pk", "currency", "date")
    )
    return {(currency, day): pk for pk, currency, day in rows if (currency, day) in wanted}


def _update_rates(updates):
    """Save each (id, new rate). Not Django's bulk_update, which writes a CASE of every row into
    each statement (45 s for 33,000 rates on SQLite): on PostgreSQL one statement over two
    arrays, on SQLite (no round trips) one statement executed many times."""
    if not updates:
        return
    field = ExchangeRate._meta.get_field("rate")
    table = connection.ops.quote_name(ExchangeRate._meta.db_table)
    rates = [field.get_db_prep_save(rate, connection) for _pk, rate in updates]
    ids = [pk for pk, _rate in updates]
    arrays = "unnest(%s::bigint[], %s::numeric[]) AS new (id, rate)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"UPDATE {table} SET rate = new.rate FROM {arrays} WHERE {table}.id = new.id"  # noqa: S608
            cursor.execute(sql, [ids, rates])
        else:
            sql = f"UPDATE {table} SET rate = %s WHERE id = %s"  # noqa: S608
            cursor.executemany(sql, list(zip(rates, ids, strict=True)))


# --------------------------------------------------------------------------- the log


def _plain(value):
    return "—" if value is None else f"{value.normalize():f}"


def _text(old, new, source=""):
    """The log's message: the old and new value, in figures (read in any language)."""
    text = f"{_plain(old)} → {_plain(new)}"
    return f"{text} ({source})" if source else text


def _log(rates, by, flag, message):
    _log_rows(by, flag, [(r.pk, r.currency, r.date, message(r)) for r in rates])


def _log_rows(by, flag, rows):
    """One entry of Django's admin log per (id, currency, day, message), written as the rates
    are (50,000 LogEntry objects through the ORM took 10 s)."""
    actor = as_actor(by)
    if actor.user is None or not rows:
        return  # a job nobody asked for: Django's log names a user (no such job saves rates)
    meta = LogEntry._meta
    column = {f.name: connection.ops.quote_name(f.column) for f in meta.concrete_fields}
    names = [
        "action_time",
        "user",
        "content_type",
        "action_flag",
        "object_id",
        "object_repr",
        "change_message",
    ]
    into = "INSERT INTO {} ({})".format(  # noqa: S608
        connection.ops.quote_name(meta.db_table), ", ".join(column[n] for n in names)
    )
    at = meta.get_field("action_time").get_db_prep_save(timezone.now(), connection)
    same = [at, actor.user.pk, ContentType.objects.get_for_model(ExchangeRate).pk, flag]
    texts = [(str(pk), f"{currency} {day}", message) for pk, currency, day, message in rows]
    arrays = "unnest(%s::text[], %s::text[], %s::text[]) AS v (o, r, m)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"{into} SELECT %s, %s, %s, %s, o, r, m FROM {arrays}"  # noqa: S608
            cursor.execute(sql, [*same, *(list(values) for values in zip(*texts, strict=True))])
        else:
            sql = f"{into} VALUES (%s, %s, %s, %s, %s, %s, %s)"
            cursor.executemany(sql, [(*same, *text) for text in texts])


def rate_history(*, by, limit=20):
    """The latest changes to the rates: Django's log entries, newest first."""
    require(by, KEEP)
    content_type = ContentType.objects.get_for_model(ExchangeRate)
    return list(
        LogEntry.objects.filter(content_type=content_type)
        .select_related("user")
        .order_by("-action_time", "-id")[:limit]
    )


# --------------------------------------------------------------------------- the page's reads


@dataclass
class MonthTable:
    """A month of rates: a row a day that has any, a column a currency."""

    month: date
    currencies: list
    days: list  # [(day, [(currency, rate or None) for each currency])]


def month_rates(*, by, month, currency=None):
    """The saved rates of ``month`` (its first day), of ``currency`` or of all, as a table."""
    require(by, KEEP)
    end = month.replace(day=monthrange(month.year, month.month)[1])
    rows = ExchangeRate.objects.filter(date__range=(month, end))
    if currency:
        rows = rows.filter(currency=currency)
    found = {(c, d): r for c, d, r in rows.values_list("currency", "date", "rate")}
    currencies = sorted({c for c, _d in found})
    days = sorted({d for _c, d in found}, reverse=True)
    return MonthTable(month, currencies, [(d, [(c, found.get((c, d))) for c in currencies]) for d in days])


def latest_month(*, by):
    """The first day of the latest month that has a rate, or None."""
    require(by, KEEP)
    latest = ExchangeRate.objects.order_by("-date").values_list("date", flat=True).first()
    return latest.replace(day=1) if latest else None


def rate_currencies(*, by):
    """The currencies that have rates, for the filter."""
    require(by, KEEP)
    return sorted(set(ExchangeRate.objects.values_list("currency", flat=True).distinct()))
