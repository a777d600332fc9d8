"""Every move of points, one transaction each, with the customer's Account row locked first.

The lock (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write transaction is
``BEGIN IMMEDIATE``, settings.DATABASES) serialises whatever touches one customer's points: two
redemptions at one balance are taken one after the other, and the second sees what the first
left. An entry's key is unique in the database, and looked up once the lock is held: the same
request, order event or nightly run made twice, even side by side, makes one entry.

Spending takes the soonest-expiring available points first (points that never expire last),
and records which lots it took them from (models.Allocation), so that expiry and reversals
are exact. Nothing here checks what a rule allows (how many points an order earns): the
callers decide that; this module keeps the ledger whole.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.bulk import QUERY_CHUNK, ids_in, insert, moment, moment_writer, rows_with
from patron.loyalty.models import Account, Allocation, Entry

REDEEM_POINTS = "loyalty.redeem_points"
ADJUST_POINTS = "loyalty.adjust_points"


class NotEnoughPoints(Exception):
    """A spend the customer's available points cannot cover; ``available``: what they have."""

    def __init__(self, wanted, available):
        self.wanted, self.available = wanted, available
        super().__init__(
            _("%(wanted)s points asked for, but only %(available)s can be spent now.")
            % {"wanted": f"{wanted:,}", "available": f"{available:,}"}
        )


class KeyReused(Exception):
    """An idempotency key already used for another request (another body, another customer)."""

    def __init__(self):
        super().__init__(_("This idempotency key was already used for a different request."))


@dataclass(frozen=True)
class Balance:
    """``available``: points that can be spent now; ``pending``: earned, spendable once their
    pending period ends; ``due``: past their expiry, taken by the next nightly expiry."""

    available: int
    pending: int
    due: int

    @property
    def total(self):
        return self.available + self.pending + self.due


def balance_of(customer, *, now=None) -> Balance:
    now = now or timezone.now()
    total = Account.objects.filter(customer=customer).values_list("points", flat=True).first() or 0
    lots = Entry.objects.filter(customer=customer, remaining__gt=0)
    split = lots.aggregate(
        due=Sum("remaining", filter=Q(expires_at__lte=now)),
        pending=Sum(
            "remaining", filter=Q(available_at__gt=now) & (Q(expires_at__gt=now) | Q(expires_at=None))
        ),
    )
    due, pending = split["due"] or 0, split["pending"] or 0
    return Balance(available=total - pending - due, pending=pending, due=due)


def points_earn(
    *, customer, points, key, by, order=None, reason="", available_at=None, expires_at=None, fingerprint=""
):
    """Add ``points`` earned (an order, a bonus): a lot spendable from ``available_at`` (now by
    default) until ``expires_at`` (never by default). Returns (entry, created)."""
    _whole(points, positive=True)
    actor = as_actor(by)
    with transaction.atomic():
        account = _locked_account(customer)
        found = _already(key, fingerprint, customer)
        if found:
            return found, False
        now = timezone.now()
        entry = _write(
            customer,
            actor,
            kind=Entry.Kind.EARN,
            points=points,
            key=key,
            fingerprint=fingerprint,
            order=order,
            reason=reason,
            remaining=points,
            available_at=available_at or now,
            expires_at=expires_at,
        )
        _add(account, points)
    return entry, True


class Earning(NamedTuple):
    """One earn of points_earn_many: as points_earn's arguments, the customer and order by id."""

    customer: int
    points: int
    key: str
    order: int | None = None
    available_at: datetime | None = None
    expires_at: datetime | None = None


def points_earn_many(earnings, *, by):
    """points_earn for many earns at once (the orders of an import, thousands in a batch): their
    accounts locked in the order of their customers, so that two batches never wait on each
    other in a circle; keys already used, or given twice, skipped; the entries written through
    the database's bulk path, in the order given, and the accounts' points in one statement per
    few thousand. Returns the number of entries made."""
    actor = as_actor(by)
    for earning in earnings:
        _whole(earning.points, positive=True)
    customers = sorted({earning.customer for earning in earnings})
    with transaction.atomic():
        now = timezone.now()
        _accounts_locked(customers, now)
        seen = {key for (key,) in rows_with(Entry, "key", [earning.key for earning in earnings], ["key"])}
        rows, added, text = [], {}, moment_writer()
        actor_columns = (actor.user.pk if actor.user else None, actor.kind, actor.job, actor.customer_id)
        recorded = text(now)
        for earning in earnings:
            if earning.key in seen:
                continue
            seen.add(earning.key)
            available_at = text(earning.available_at or now)
            expires_at = earning.expires_at and text(earning.expires_at)
            rows.append(
                (earning.customer, EARN, earning.points, earning.points, earning.key, earning.order)
                + (available_at, expires_at, "", 0, "", *actor_columns, recorded)
            )
            added[earning.customer] = added.get(earning.customer, 0) + earning.points
        insert(Entry, EARN_COLUMNS, rows)
        accounts_add(added, now)
    return len(rows)


EARN = Entry.Kind.EARN.value
EARN_COLUMNS = (
    "customer_id",
    "kind",
    "points",
    "remaining",
    "key",
    "order_id",
    "available_at",
    "expires_at",
    "reason",
    "shortfall",
    "fingerprint",
    "actor_id",
    "actor_kind",
    "actor_job",
    "actor_customer_id",
    "created_at",
)
# Rows per statement: two values each, well within SQLite's 32,766 variables.
ACCOUNTS_AT_ONCE = 5000


def _accounts_locked(customers, now):
    """Open the accounts of ``customers`` (ids, sorted) that have none, then lock them all in
    that order (on SQLite the transaction holds the database's write lock already)."""
    table = connection.ops.quote_name(Account._meta.db_table)
    held = {customer for (customer,) in rows_with(Account, "customer_id", customers, ["customer_id"])}
    missing = [customer for customer in customers if customer not in held]
    with connection.cursor() as cursor:
        for start in range(0, len(missing), ACCOUNTS_AT_ONCE):
            chunk = missing[start : start + ACCOUNTS_AT_ONCE]
            values = ", ".join(["(%s, 0, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (customer_id, points, updated_at) VALUES {values} "  # noqa: S608
                "ON CONFLICT DO NOTHING",
                [value for customer in chunk for value in (customer, moment(now))],
            )
    if connection.features.has_select_for_update:
        for start in range(0, len(customers), QUERY_CHUNK):
            chunk = customers[start : start + QUERY_CHUNK]
            locked = Account.objects.select_for_update().filter(ids_in(Account, "customer_id", chunk))
            list(locked.order_by("customer_id").values_list("customer_id", flat=True))


def accounts_add(added, now):
    """Add ``added`` ({customer id: points, signed}) to their accounts, locked already: one
    UPDATE per few thousand (two arrays on PostgreSQL, rows of values on SQLite)."""
    table = connection.ops.quote_name(Account._meta.db_table)
    pairs = sorted(added.items())
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), ACCOUNTS_AT_ONCE):
            chunk = pairs[start : start + ACCOUNTS_AT_ONCE]
            if connection.vendor == "postgresql":
                rows = "SELECT unnest(%s::bigint[]), unnest(%s::bigint[])"
                params = [[customer for customer, _points in chunk], [points for _customer, points in chunk]]
            else:
                rows = "VALUES " + ", ".join(["(%s, %s)"] * len(chunk))
                params = [value for pair in chunk for value in pair]
            cursor.execute(
                f"WITH added (customer_id, points) AS ({rows}) "  # noqa: S608
                f"UPDATE {table} SET points = {table}.points + added.points, updated_at = %s "
                f"FROM added WHERE {table}.customer_id = added.customer_id",
                [*params, moment(now)],
            )


def points_redeem(*, customer, points, key, by, reason="", order=None, fingerprint=""):
    """Spend ``points`` of the available ones, soonest-expiring first. Returns (entry,
    created); raises NotEnoughPoints, and writes nothing, when they do not reach.

    An entry made now carries ``balance``: the customer's Balance right after it, from the
    locked account and the lots read to spend (what standing.balance_after works out from the
    ledger, without reading it again); an entry found by its key does not. The till's request
    path: a redemption at the counter is a few small queries (bench_loyalty_redeem.py)."""
    actor = as_actor(by)
    require(actor, REDEEM_POINTS)
    _whole(points, positive=True)
    # The key was free under the lock when another customer's request takes it meanwhile: the
    # transaction is rolled back whole, rather than to a savepoint made for every entry.
    with _key_unique(key), transaction.atomic():
        account = _locked_account(customer)
        now = timezone.now()
        lots, key_taken = _lots_left(customer, key)
        if key_taken:
            return _already(key, fingerprint, customer), False
        available = [(lot.pk, lot.remaining) for lot in lots if _state(lot, now) == SPENDABLE]
        takes = _takes(available, points)
        values = {"kind": Entry.Kind.REDEEM, "points": -points, "key": key, "fingerprint": fingerprint}
        values |= {"order": order, "reason": reason, "available_at": now}
        entry = Entry.objects.create(customer_id=account.customer_id, **actor.columns(), **values)
        _allocate(entry, takes)
        _add(account, -points)
    entry.balance = _balance_split(account.points - points, lots, now)
    return entry, True


def points_adjust(*, customer, points, key, reason, by, expires_at=None, fingerprint=""):
    """An Admin's correction, with its reason: points added (a lot, spendable now) or taken
    away (available points first, soonest-expiring first, then pending ones). Returns (entry,
    created); a correction below zero is refused with NotEnoughPoints."""
    actor = as_actor(by)
    require(actor, ADJUST_POINTS)
    _whole(points, positive=False)
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 500:
        raise ValidationError({"reason": [_("Say why the points are adjusted, in 1 to 500 characters.")]})
    with transaction.atomic():
        account = _locked_account(customer)
        found = _already(key, fingerprint, customer)
        if found:
            return found, False
        now = timezone.now()
        values = {"kind": Entry.Kind.ADJUST, "points": points, "key": key, "fingerprint": fingerprint}
        values |= {"reason": reason, "available_at": now}
        if points > 0:
            entry = _write(customer, actor, **values, remaining=points, expires_at=expires_at)
        else:
            lots = [*_available_lots(customer, now), *_pending_lots(customer, now)]
            takes = _takes(lots, -points)
            entry = _write(customer, actor, **values)
            _allocate(entry, takes)
        _add(account, points)
    return entry, True


def earn_reverse(*, earn, points, key, by, reason=""):
    """Take back up to ``points`` of what the earn entry ``earn`` earned (an order cancelled or
    returned, in full or in part). Returns (entry or None, created).

    At most what it earned, less what expired of it (gone already) and what earlier reversals
    of it took or could not take: so an order reversed twice loses its points once. Taken from
    what is left of the lot itself first; what the customer already spent of it is taken from
    their other points, soonest-expiring first, pending ones too; what even those cannot cover
    is the entry's ``shortfall``, never a balance below zero. None when nothing is left to take.
    """
    _whole(points, positive=True)
    actor = as_actor(by)
    with transaction.atomic():
        account = _locked_account(earn.customer_id)
        found = _already(key, "", earn.customer_id)
        if found:
            return found, False
        earn = Entry.objects.get(pk=earn.pk)
        expired = _allocated(earn, kind=Entry.Kind.EXPIRE)
        before = earn.reversals.aggregate(taken=Sum("points"), short=Sum("shortfall"))
        reversed_before = -(before["taken"] or 0) + (before["short"] or 0)
        wanted = min(points, earn.points - expired - reversed_before)
        if wanted <= 0:
            return None, False
        now = timezone.now()
        takes = [(earn.pk, min(wanted, earn.remaining))] if earn.remaining else []
        rest = wanted - sum(take for _lot, take in takes)
        if rest:
            customer = earn.customer_id
            others = [*_available_lots(customer, now), *_pending_lots(customer, now)]
            takes += _takes([lot for lot in others if lot[0] != earn.pk], rest, exact=False)
        taken = sum(take for _lot, take in takes)
        # Nothing taken (all of it spent, nothing left): the entry records the shortfall alone.
        entry = _write(
            earn.customer_id,
            actor,
            kind=Entry.Kind.REVERSE,
            points=-taken,
            key=key,
            reverses=earn,
            order=earn.order,
            reason=reason,
            available_at=now,
            shortfall=wanted - taken,
        )
        _allocate(entry, takes)
        _add(account, -taken)
    return entry, True


def redemption_reverse(*, redemption, key, by, points=None, reason=""):
    """Give back up to ``points`` (all by default) of what the redemption ``redemption`` spent
    and no earlier reversal gave back (its order cancelled or returned): to the lots it took
    them from, latest-expiring first, each with its own expiry (a lot past it is taken by the
    next nightly expiry). Returns (entry or None, created)."""
    actor = as_actor(by)
    with transaction.atomic():
        account = _locked_account(redemption.customer_id)
        found = _already(key, "", redemption.customer_id)
        if found:
            return found, False
        given = {}
        for lot, taken in redemption.allocations.values_list("lot", "points"):
            given[lot] = given.get(lot, 0) + taken
        for reversal in redemption.reversals.all():
            for lot, back in reversal.allocations.values_list("lot", "points"):
                given[lot] += back  # back is negative
        lots = Entry.objects.filter(pk__in=[lot for lot, left in given.items() if left > 0])
        order = lots.order_by(F("expires_at").desc(nulls_first=True), "-available_at", "-pk")
        wanted = sum(given.values()) if points is None else min(points, sum(given.values()))
        backs = []
        for lot in order.values_list("pk", flat=True):
            if wanted <= 0:
                break
            back = min(wanted, given[lot])
            backs.append((lot, back))
            wanted -= back
        total = sum(back for _lot, back in backs)
        if not total:
            return None, False
        entry = _write(
            redemption.customer_id,
            actor,
            kind=Entry.Kind.REVERSE,
            points=total,
            key=key,
            reverses=redemption,
            order=redemption.order,
            reason=reason,
            available_at=timezone.now(),
        )
        _allocate(entry, [(lot, -back) for lot, back in backs])
        _add(account, total)
    return entry, True


def points_expire(*, customer, by, now=None):
    """Expire what is left of the customer's lots past their expiry: one entry per lot, keyed
    by it (expiry_keys), so that a run made twice expires each lot once. Returns the entries
    made. The nightly job expires everyone's at once (expiry.points_expire_all)."""
    actor = as_actor(by)
    now = now or timezone.now()
    made = []
    with transaction.atomic():
        account = _locked_account(customer)
        due = Entry.objects.filter(customer=customer, remaining__gt=0, expires_at__lte=now).order_by(
            "expires_at", "pk"
        )
        due = list(due.values_list("pk", "remaining", "expires_at"))
        keys = expiry_keys([lot for lot, _left, _at in due])
        for lot, left, expires_at in due:
            entry = _write(
                customer,
                actor,
                kind=Entry.Kind.EXPIRE,
                points=-left,
                key=keys[lot],
                available_at=expires_at,
            )
            _allocate(entry, [(lot, left)])
            _add(account, -left)
            made.append(entry)
    return made


def expiry_keys(lots):
    """{lot: the key of its expiry now}: ``expire:<lot>``, or ``expire:<lot>:<n>`` for its n-th
    expiry, when a redemption given back after the first gave the lot points again."""
    keys = {lot: f"expire:{lot}" for lot in lots}
    again = Entry.objects.filter(key__in=keys.values()).values_list("allocations__lot", flat=True)
    if not again:
        return keys
    expired = Allocation.objects.filter(lot__in=list(again), entry__kind=Entry.Kind.EXPIRE)
    for lot, times in expired.values_list("lot").annotate(times=Count("pk")).order_by():
        keys[lot] = f"expire:{lot}:{times + 1}"
    return keys


# -- the ledger's own checks (patron loyalty check)


def ledger_check() -> list[str]:
    """Every place where the ledger contradicts itself, in words; none when it is whole."""
    problems = []
    sums = dict(Entry.objects.values_list("customer").annotate(total=Sum("points")).order_by())
    accounts = dict(Account.objects.values_list("customer", "points"))
    for customer in sorted(set(sums) | set(accounts)):
        if sums.get(customer, 0) != accounts.get(customer, 0):
            problems.append(
                f"customer {customer}: the account holds {accounts.get(customer, 0)} points, "
                f"its entries sum to {sums.get(customer, 0)}"
            )
    taken = dict(Allocation.objects.values_list("lot").annotate(total=Sum("points")).order_by())
    lots = Entry.objects.filter(Q(points__gt=0) | Q(remaining__gt=0)).exclude(
        kind=Entry.Kind.REVERSE, points__gt=0
    )
    for lot, points, remaining in lots.values_list("pk", "points", "remaining").iterator(chunk_size=10_000):
        left = points - taken.get(lot, 0)
        if remaining != left:
            problems.append(f"entry {lot}: {remaining} points left, its points less allocations {left}")
    allocated = dict(Allocation.objects.values_list("entry").annotate(total=Sum("points")).order_by())
    spending = Entry.objects.filter(Q(points__lt=0) | Q(kind=Entry.Kind.REVERSE, points__gt=0))
    for entry, points in spending.values_list("pk", "points").iterator(chunk_size=10_000):
        if allocated.get(entry, 0) != -points:
            problems.append(
                f"entry {entry}: moves {points} points, its allocations {-allocated.get(entry, 0)}"
            )
    return problems


# -- helpers


def _whole(points, *, positive):
    if isinstance(points, bool) or not isinstance(points, int) or (points <= 0 if positive else points == 0):
        raise ValidationError(
            {
                "points": [
                    _("Give a whole number of points above 0.")
                    if positive
                    else _("Give a whole number of points other than 0.")
                ]
            }
        )


def _locked_account(customer):
    customer_id = getattr(customer, "pk", customer)
    locked = Account.objects.select_for_update().filter(customer_id=customer_id)
    account = locked.first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            Account.objects.create(customer_id=customer_id)
    except IntegrityError:  # made meanwhile by a request side by side
        pass
    return locked.get()


def _already(key, fingerprint, customer):
    """The entry already made under ``key``, when it was this request; KeyReused when not."""
    entry = Entry.objects.filter(key=key).first()
    if entry is None:
        return None
    if entry.customer_id != getattr(customer, "pk", customer) or (
        fingerprint and entry.fingerprint != fingerprint
    ):
        raise KeyReused()
    return entry


def _write(customer, actor, **values):
    values.setdefault("available_at", timezone.now())
    customer_id = getattr(customer, "pk", customer)
    with _key_unique(values["key"]), transaction.atomic():
        return Entry.objects.create(customer_id=customer_id, **actor.columns(), **values)


@contextlib.contextmanager
def _key_unique(key):
    """KeyReused for the IntegrityError of an entry whose ``key`` another customer's entry took
    meanwhile (any other IntegrityError as it is); wrap the transaction or savepoint that is
    rolled back with it, so that the key is looked up after the rollback."""
    try:
        yield
    except IntegrityError:
        if Entry.objects.filter(key=key).exists():
            raise KeyReused() from None
        raise


def _add(account, points):
    Account.objects.filter(pk=account.pk).update(points=F("points") + points, updated_at=timezone.now())


def _available_lots(customer, now: datetime):
    """(lot, points left) of the points spendable at ``now``, soonest-expiring first."""
    return _lots(customer, now, Q(available_at__lte=now))


def _pending_lots(customer, now: datetime):
    """(lot, points left) of the points still in their pending period, soonest-expiring first."""
    return _lots(customer, now, Q(available_at__gt=now))


# Soonest-expiring first, those that never expire last; then the soonest spendable.
LOT_ORDER = (F("expires_at").asc(nulls_last=True), "available_at", "pk")


def _lots(customer, now, when):
    lots = Entry.objects.filter(when, customer=customer, remaining__gt=0)
    lots = lots.filter(Q(expires_at__gt=now) | Q(expires_at=None))
    return list(lots.order_by(*LOT_ORDER).values_list("pk", "remaining"))


class Lot(NamedTuple):
    pk: int
    remaining: int
    available_at: datetime
    expires_at: datetime | None


def _lots_left(customer, key):
    """Every lot of the customer's with points left, spendable or not, soonest-expiring first
    (those that never expire last, as _available_lots orders them), and whether ``key`` is
    taken already: one query, made under the account's lock."""
    rows = Entry.objects.filter(Q(customer=customer, remaining__gt=0) | Q(key=key))
    columns = ("pk", "remaining", "available_at", "expires_at", "key")
    lots, taken = [], False
    for pk, remaining, available_at, expires_at, its_key in rows.order_by(*LOT_ORDER).values_list(*columns):
        if its_key == key:
            taken = True
        else:
            lots.append(Lot(pk, remaining, available_at, expires_at))
    return lots, taken


DUE, PENDING, SPENDABLE = "due", "pending", "spendable"


def _state(lot, now):
    """Whether a lot's points are past their expiry (due), still in their pending period, or
    spendable at ``now``: balance_of's split, for one lot read already."""
    if lot.expires_at is not None and lot.expires_at <= now:
        return DUE
    return PENDING if lot.available_at > now else SPENDABLE


def _balance_split(total, lots, now):
    """The Balance of an account holding ``total`` points whose lots are ``lots``, at ``now``:
    balance_of's split, from lots read already. Only spendable lots may have been spent since
    they were read: the pending and due ones are as read."""
    held = {DUE: 0, PENDING: 0, SPENDABLE: 0}
    for lot in lots:
        held[_state(lot, now)] += lot.remaining
    return Balance(available=total - held[PENDING] - held[DUE], pending=held[PENDING], due=held[DUE])


def _takes(lots, points, *, exact=True):
    """[(lot, points taken)] taking ``points`` from ``lots`` in their order; NotEnoughPoints
    when they hold fewer (unless not ``exact``: then as many as they hold)."""
    takes, wanted = [], points
    for lot, left in lots:
        if wanted <= 0:
            break
        take = min(left, wanted)
        takes.append((lot, take))
        wanted -= take
    if wanted > 0 and exact:
        raise NotEnoughPoints(points, points - wanted)
    return takes


def _allocate(entry, takes):
    Allocation.objects.bulk_create([Allocation(entry=entry, lot_id=lot, points=take) for lot, take in takes])
    for lot, take in takes:
        Entry.objects.filter(pk=lot).update(remaining=F("remaining") - take)


def _allocated(lot, *, kind):
    """Points entries of ``kind`` took from ``lot``."""
    return Allocation.objects.filter(lot=lot, entry__kind=kind).aggregate(total=Sum("points"))["total"] or 0
