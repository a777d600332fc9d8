"""The evidence the loyalty ladder places customers by, registered by the apps that hold it.

An app registers each source of evidence it holds, in its AppConfig.ready() (or a module
imported there)::

    from patron.ladder.evidence import register

    register(
        "compliment",                      # the code the ladder's rules name
        _("Compliment"),                   # what the pages call it (a lazy translation)
        compliments_rows,                  # the rows, see below
        name="feedback.compliments",       # this source, unique: registering it again replaces it
    )

``rows()`` is called with no arguments and returns the evidence as rows of two columns,
``customer_id`` (the customer it is about) and ``at`` (an aware datetime: when it happened),
one row per piece of evidence (two compliments are two rows), either

- a QuerySet ending in ``.values("customer_id", "at")`` (annotate ``at`` when the model's
  column has another name: ``.annotate(at=F("placed_at")).values("customer_id", "at")``), or
- SQL and its parameters, ``("SELECT customer_id, at FROM ...", [params])``, for what the ORM
  says poorly.

The ladder never reads the rows one by one: it wraps the source in one ``GROUP BY
customer_id`` (counting the rows, the rows since a rule's window began, and the latest ``at``),
and in ``WHERE customer_id IN (...)`` to re-derive a few customers. So a source should be
something the database can scan and aggregate at ten million rows in seconds (no Python per
row, no correlated subquery per row), and filter by customer through an index.

A source registered with ``after_first=True`` is evidence of every row but each customer's
first (the earliest ``at``; of rows at the same time, exactly one is the first): a repeat
purchase is a purchase after the customer's first. :func:`source_sql` gives those rows (a
window function); the derivation reads the source's rows themselves (:func:`rows_sql`) in its
``GROUP BY`` and takes the first away (the count less one; a window's count less one if the
first is in it), so the rows shared with another code are read once, not sorted.

Several sources may share a code: their rows add up (the compliments recorded by the feedback
app and those an Admin enters by hand are all compliments). The standard codes are declared
here with their labels, so a rule can name them before the app that feeds them is installed
(the rule then simply finds no evidence); an app may declare a code of its own by registering
it with its label.

When is new evidence seen? The ladder re-derives the customers concerned when sales tells of
orders (patron/sales/events.py) and feedback of ``feedback_recorded`` (patron/feedback/events.py,
``customer_ids=``), and every customer nightly; an app with other evidence may call
``patron.ladder.jobs.rederive_later(customer_ids)`` after its transaction commits.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The standard codes, in the order the pages list them.
_labels: dict[str, Promise | str] = {
    "purchase": _("Purchase"),
    "repeat_purchase": _("Repeat purchase"),
    "survey_positive": _("Positive survey answer"),
    "compliment": _("Compliment"),
    "review": _("Public review"),
    "referral": _("Referral"),
    "idea": _("Co-created idea"),
    "contract": _("Contract"),
    "partner_org": _("Partner organisation"),
}


@dataclass(frozen=True)
class Source:
    """One source of evidence: ``rows()`` gives its (customer_id, at) rows (see the module);
    ``after_first``: the evidence is those rows but each customer's first."""

    code: str
    name: str
    rows: Callable[[], QuerySet | tuple[str, Sequence]]
    after_first: bool = False


_sources: dict[str, Source] = {}


def register(code: str, label, rows, *, name: str, after_first: bool = False) -> None:
    """Register ``rows`` as the source ``name`` of evidence ``code`` (labelled ``label`` if
    the code is new), every row but each customer's first if ``after_first``. Registering the
    same name again replaces the source."""
    if not code or not code.replace("_", "").isalnum() or code != code.lower():
        raise ValueError(f"An evidence code is lower-case letters, digits and _: {code!r}")
    _labels.setdefault(code, label)
    _sources[name] = Source(code, name, rows, after_first)


def codes() -> dict[str, Promise | str]:
    """Every evidence code a rule may name, with its label, in the pages' order."""
    return dict(_labels)


def label(code: str):
    """The label of ``code`` (the code itself when nobody declared it)."""
    return _labels.get(code, code)


def sources(code: str | None = None) -> list[Source]:
    """The sources registered (of ``code`` only, if given), in the order they were registered."""
    return [source for source in _sources.values() if code is None or source.code == code]


def source_sql(source: Source) -> tuple[str, list]:
    """The source's evidence as SQL selecting customer_id and at, with its parameters."""
    sql, params = rows_sql(source)
    if not source.after_first:
        return sql, params
    numbered = (
        "SELECT r.customer_id, r.at, ROW_NUMBER() OVER (PARTITION BY r.customer_id ORDER BY r.at) AS nth "  # noqa: S608
        f"FROM ({sql}) r"
    )
    return f"SELECT n.customer_id, n.at FROM ({numbered}) n WHERE n.nth > 1", params  # noqa: S608


def rows_sql(source: Source) -> tuple[str, list]:
    """The rows ``source.rows()`` gives as SQL selecting customer_id and at, with its
    parameters (all of them: an ``after_first`` source's first rows too)."""
    rows = source.rows()
    if isinstance(rows, QuerySet):
        sql, params = rows.query.sql_with_params()
        return sql, list(params)
    sql, params = rows
    return sql, list(params)
