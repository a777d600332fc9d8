"""Import messages that carry their words and parameters, worded for whoever reads them.

An import can be asked for from a terminal (``patron import``) or from the web page. A message
that tells the person what to do names a command-line flag on the terminal (``--map``) and the
page's own control on the web (the select above a column). Such a message is a :class:`Said`:
a ``str`` in the active language, worded for the front end that is running (see
:func:`on_the_web`), that also keeps its message id and parameters, so that a run can store
them (:meth:`Said.as_json`) and the page words them again in the language of whoever reads it
(:func:`shown`).

    raise ImportRefused(said(gettext_noop("No amount column: map one with --map 'column=total'.")))

``WEB`` gives, for a message id that names a flag, the words the page uses instead.
"""

import contextlib
import contextvars

from django.utils.translation import gettext, gettext_noop

_front = contextvars.ContextVar("patron_import_front", default="cli")

WEB = {
    gettext_noop("Name the source of the file (--source) in 1 to 50 characters."): gettext_noop(
        "Name the source of the file in 1 to 50 characters."
    ),
    gettext_noop("--country %(country)s: not an ISO 3166 country code such as TH."): gettext_noop(
        "“%(country)s” is not a country: choose the file's country from the list."
    ),
    gettext_noop(
        "This file's dates could be day-first or month-first (e.g. %(example)s): "
        "choose the date order (--date-order dmy or mdy)."
    ): gettext_noop(
        "This file's dates could be day-first or month-first (e.g. %(example)s): "
        "choose which in the “Dates” list above the table."
    ),
    gettext_noop(
        "This file's dates mix day-first (%(day_first)s) and month-first (%(month_first)s) "
        "values: choose the date order (--date-order dmy or mdy)."
    ): gettext_noop(
        "This file's dates mix day-first (%(day_first)s) and month-first (%(month_first)s) "
        "values: choose which in the “Dates” list above the table."
    ),
    gettext_noop(
        "'%(value)s' could be day-first or month-first: choose the date order (--date-order dmy or mdy)"
    ): gettext_noop("'%(value)s' could be day-first or month-first: choose which in the “Dates” list"),
    gettext_noop(
        "No column's header names the order number, but the column “%(column)s” looks like it "
        "(%(orders)d different values in the first %(rows)d rows). Import it as the order "
        'number with --map "%(column)s=order_id", or import the orders without numbers '
        'with --map "%(column)s=".'
    ): gettext_noop(
        "No column's header names the order number, but the column “%(column)s” looks like it "
        "(%(orders)d different values in the first %(rows)d rows). Choose “Order number” in the "
        "select of that column to import it as the order number, or “Not imported” to import "
        "the orders without numbers."
    ),
    gettext_noop(
        "No column's header names the order number, but these columns look like it: %(columns)s. "
        'Name the one that is with --map "COLUMN=order_id" (for example --map '
        '"%(column)s=order_id"), or import the orders without numbers with --map "COLUMN=" '
        "for each."
    ): gettext_noop(
        "No column's header names the order number, but these columns look like it: %(columns)s. "
        "Choose “Order number” in the select of the one that is, or “Not imported” in each of "
        "their selects to import the orders without numbers."
    ),
    gettext_noop("This file has no column for the order's date: map one with --map 'column=placed_at'."): (
        gettext_noop(
            "This file has no column for the order's date: choose “Order date” in the select of "
            "the column that holds it."
        )
    ),
    gettext_noop(
        "This file has no column naming the customer: map their id, e-mail or phone with "
        "--map 'column=customer_external_id' (or customer_email, customer_phone)."
    ): gettext_noop(
        "This file has no column naming the customer: choose “Customer ID”, “Customer e-mail” "
        "or “Customer phone” in the select of the column that holds it."
    ),
    gettext_noop("This file has no amount column: map one with --map 'column=total'."): gettext_noop(
        "This file has no amount column: choose “Amount” in the select of the column that holds it."
    ),
    gettext_noop(
        "This file has no column for the customer's name or id: map one with "
        "--map 'column=display_name' (or given_name, family_name, external_id)."
    ): gettext_noop(
        "This file has no column for the customer's name or id: choose “Name” (or “Given name”, "
        "“Family name”, “Customer ID”) in the select of the column that holds it."
    ),
    gettext_noop("--map: %(name)s matches several columns (%(columns)s): spell it exactly."): gettext_noop(
        "“%(name)s” matches several columns (%(columns)s): write the column's name exactly."
    ),
    gettext_noop("--map: this file has no column %(name)s; its columns are: %(columns)s."): gettext_noop(
        "This file has no column “%(name)s”; its columns are: %(columns)s."
    ),
    gettext_noop("--map %(override)s: unknown field %(field)s; the fields are: %(fields)s."): gettext_noop(
        "Choose each column's field from the list."
    ),
    gettext_noop(
        "This file cannot be read as %(encoding)s text: choose another encoding with --encoding, "
        "or leave it out for Patron to detect it."
    ): gettext_noop(
        "This file cannot be read as %(encoding)s text: upload it again with another “Text "
        "encoding”, or with “Detect”."
    ),
    gettext_noop("Unknown text encoding: %(encoding)s."): gettext_noop(
        "Choose the text encoding from the list, or “Detect”."
    ),
    gettext_noop("This file is larger than %(limit)d MB: import it with the patron import command."): (
        gettext_noop(
            "This file is larger than %(limit)d MB, the most this page takes: split it into smaller "
            "files and upload each, or ask whoever runs Patron to import it."
        )
    ),
}


@contextlib.contextmanager
def on_the_web():
    """Messages said inside are worded for the web page (the job of a web import)."""
    token = _front.set("web")
    try:
        yield
    finally:
        _front.reset(token)


def _worded(msgid, params, front):
    text = gettext(WEB.get(msgid, msgid)) if front == "web" else gettext(msgid)
    shown_params = {
        name: shown(value, front) if isinstance(value, dict) else value for name, value in params.items()
    }
    return text % shown_params if shown_params else text


class Said(str):
    """A message in the active language, worded for the running front end, that keeps its
    message id and parameters (plain values, or other messages as their ``as_json``)."""

    msgid: str
    params: dict

    def __new__(cls, msgid, params):
        message = super().__new__(cls, _worded(msgid, params, _front.get()))
        message.msgid, message.params = msgid, params
        return message

    def as_json(self):
        return {"msgid": self.msgid, "params": self.params}

    def __reduce__(self):
        # Sent between processes (a customer import's rows are read in a forked one) as worded.
        return _as_worded, (str(self), self.msgid, self.params)


def _as_worded(text, msgid, params):
    message = str.__new__(Said, text)
    message.msgid, message.params = msgid, params
    return message


def said(msgid, **params):
    """``msgid`` (marked with gettext_noop) with its ``params``, as a :class:`Said`."""
    return Said(msgid, {name: _plain(value) for name, value in params.items()})


def _plain(value):
    if isinstance(value, Said):
        return value.as_json()
    if value is None or type(value) in (int, float, str):
        return value
    return str(value)


def as_json(message):
    """What a run stores of a message: {msgid, params} for a :class:`Said`, else {}."""
    return message.as_json() if isinstance(message, Said) else {}


def shown(stored, front="web"):
    """A stored message ({msgid, params}) worded in the active language, for the web by default."""
    if not stored or "msgid" not in stored:
        return ""
    return _worded(stored["msgid"], stored.get("params") or {}, front)
