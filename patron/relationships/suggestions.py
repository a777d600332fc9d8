"""The level the evidence suggests, with its reason in plain words. It never sets a level:
staff accept it in one click (services.suggestion_accept), or set another.

A customer: the first rule that holds, from the top; every level needs a completed purchase.

- partnership: a contract or a partner organisation (the ladder's evidence, codes ``contract``
  and ``partner_org``: a contract recorded by hand, an e-mail address of a contact at a
  supplier, distributor, channel partner, agency or intermediary), or a major customer in a
  long cooperation: the top tenth by value (the last scoring's value decile 1), buying for two
  years or more, and a meeting or visit with them done in the last 12 months;
- proactive: three or more contacts staff made (outbound interactions) in the last 12 months,
  and an answer from the customer in that time: a contact they made (an inbound interaction),
  a positive survey answer, a compliment or a co-created idea;
- accountable: a follow-up done after a purchase: a task on them completed, or a contact made
  by staff, after their first completed purchase;
- reactive: the customer answered after a purchase: a contact they made, a survey answered or
  any feedback given (compliment, concern, complaint, review, idea);
- basic: a completed purchase.

Positive answers, contracts and partner organisations are read from the ladder's evidence
registry (patron/ladder/evidence.py, where the feedback and ladder apps register them: a code
nobody registered counts nothing); any survey answer or feedback, through the feedback app's
selectors.

An organisation (no purchases):

- partnership: a partner kind (supplier, distributor, channel partner, agency, intermediary)
  with a contact logged in the last 12 months;
- proactive: three or more contacts made by staff and at least one from them in 12 months;
- reactive: a contact from them in the last 12 months;
- basic: any contact logged.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patron.interactions.models import Interaction
from patron.ladder import evidence
from patron.organisations.models import Organisation
from patron.relationships.models import Level
from patron.sales.models import Order
from patron.sales.rules import SPEND
from patron.scoring.models import CustomerScore
from patron.tasks.models import Task

YEAR = timedelta(days=365)
SEVERAL = 3
PARTNER_KINDS = (
    Organisation.Kind.SUPPLIER,
    Organisation.Kind.DISTRIBUTOR,
    Organisation.Kind.CHANNEL_PARTNER,
    Organisation.Kind.AGENCY,
    Organisation.Kind.INTERMEDIARY,
)
# Evidence codes (patron/ladder/evidence.py) each rule reads.
PARTNER_CODES = ("contract", "partner_org")
POSITIVE_CODES = ("survey_positive", "compliment", "idea")


@dataclass(frozen=True)
class Suggestion:
    level: str
    reason: str

    @property
    def label(self):
        return Level(self.level).label


def suggest(*, customer=None, organisation=None, now=None):
    """The Suggestion for ``customer`` or ``organisation`` now, or None when nothing suggests one."""
    now = now or timezone.now()
    if customer is not None:
        return _customer(customer, now)
    return _organisation(organisation, now)


def evidence_counts(customer_id, codes, since):
    """{code: (rows, rows since ``since``)} of the evidence ``codes`` about this customer, from
    every source registered for them, in one query."""
    parts, params = [], []
    for source in evidence.sources():
        if source.code in codes:
            sql, source_params = evidence.source_sql(source)
            parts.append(f"SELECT %s AS code, e.at AS at FROM ({sql}) e WHERE e.customer_id = %s")  # noqa: S608
            params += [source.code, *source_params, customer_id]
    if not parts:
        return {}
    query = (
        "SELECT code, COUNT(*), SUM(CASE WHEN at >= %s THEN 1 ELSE 0 END) "  # noqa: S608
        f"FROM ({' UNION ALL '.join(parts)}) evidence GROUP BY code"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [since, *params])
        return {code: (rows, recent or 0) for code, rows, recent in cursor.fetchall()}


def _answered_since(customer, since):
    """A survey answered, or feedback given, after ``since`` (patron.feedback's selectors)."""
    from patron.feedback.selectors import history, last_answer

    answer = last_answer(customer)
    if answer is not None and answer.answered_at > since:
        return True
    return any(kind == "feedback" and at > since for at, kind, _row in history(customer))


def _contacts(interactions, since, after=None):
    """How many contacts (all), made by staff and by them since ``since``, and after ``after``
    (if given), in one query."""
    outbound, inbound = (
        Q(direction=Interaction.Direction.OUTBOUND),
        Q(direction=Interaction.Direction.INBOUND),
    )
    counts = {
        "all": Count("pk"),
        "made": Count("pk", filter=outbound & Q(occurred_at__gte=since)),
        "answered": Count("pk", filter=inbound & Q(occurred_at__gte=since)),
    }
    if after is not None:
        counts["made_after"] = Count("pk", filter=outbound & Q(occurred_at__gt=after))
        counts["answered_after"] = Count("pk", filter=inbound & Q(occurred_at__gt=after))
    return interactions.aggregate(**counts)


def _said(*parts):
    return " ".join(str(part) for part in parts)


def _customer(customer, now):
    """The rules of the module's docstring, from the top, in about six indexed queries."""
    orders = Order.objects.filter(customer=customer, status__in=SPEND).aggregate(
        bought=Count("pk"), first=Min("placed_at")
    )
    bought, first = orders["bought"], orders["first"]
    if not bought:
        return None
    purchases = ngettext("Bought once.", "Bought %(count)d times.", bought) % {"count": bought}
    found = evidence_counts(customer.pk, PARTNER_CODES + POSITIVE_CODES, since=now - YEAR)
    if any(code in found for code in PARTNER_CODES):
        return Suggestion(Level.PARTNERSHIP, _said(purchases, _("A contract or a partner organisation.")))
    decile = CustomerScore.objects.filter(customer=customer).values_list("value_decile", flat=True).first()
    done = Q(status=Task.Status.DONE)
    tasks = Task.objects.filter(customer=customer).aggregate(
        met=Count(
            "pk",
            filter=done & Q(kind__in=(Task.Kind.MEETING, Task.Kind.VISIT), completed_at__gte=now - YEAR),
        ),
        followed=Count("pk", filter=done & Q(completed_at__gt=first)),
    )
    if decile == 1 and first <= now - 2 * YEAR and tasks["met"]:
        return Suggestion(
            Level.PARTNERSHIP,
            _said(
                purchases,
                _("In the top tenth by value, buying for two years or more, and met in the last 12 months."),
            ),
        )
    contacts = _contacts(Interaction.objects.filter(customer=customer), now - YEAR, after=first)
    made, answered = contacts["made"], contacts["answered"]
    positive = sum(found.get(code, (0, 0))[1] for code in POSITIVE_CODES)
    if made >= SEVERAL and (answered or positive):
        return Suggestion(
            Level.PROACTIVE,
            _said(
                purchases,
                _(
                    "In the last 12 months: %(made)d contacts by staff, %(answered)d from the customer, "
                    "%(positive)d positive answers."
                )
                % {"made": made, "answered": answered, "positive": positive},
            ),
        )
    if tasks["followed"] or contacts["made_after"]:
        return Suggestion(Level.ACCOUNTABLE, _said(purchases, _("Staff followed up after a purchase.")))
    if contacts["answered_after"] or _answered_since(customer, first):
        return Suggestion(
            Level.REACTIVE,
            _said(purchases, _("They answered after a purchase: a contact, a survey or feedback.")),
        )
    return Suggestion(Level.BASIC, purchases)


def _organisation(organisation, now):
    interactions = Interaction.objects.filter(organisation=organisation)
    contacts = _contacts(interactions, now - YEAR)
    if not contacts["all"]:
        return None
    made, answered = contacts["made"], contacts["answered"]
    if organisation.kind in PARTNER_KINDS and made + answered:
        return Suggestion(
            Level.PARTNERSHIP,
            _("A partner (%(kind)s), in contact in the last 12 months.")
            % {"kind": organisation.get_kind_display()},
        )
    if made >= SEVERAL and answered:
        return Suggestion(
            Level.PROACTIVE,
            _("In the last 12 months: %(made)d contacts by staff, %(answered)d from them.")
            % {"made": made, "answered": answered},
        )
    if answered:
        return Suggestion(Level.REACTIVE, _("They got in touch with us in the last 12 months."))
    return Suggestion(Level.BASIC, _("Contacts are logged with them."))
