"""Coupons and vouchers: batches of codes with one set of rules, and their uses.

A batch says how often each code may be used (once, a set number of times, or once per
customer), when, above what spend (the order's total in the base currency, compared in
Decimal: an order exactly at the minimum passes) and by whom (``segment``: a customer filter in
its JSON form, customers.filters). Its codes are generated (:func:`batch_create`: unguessable,
from ``secrets``, in an alphabet without look-alike characters) or read from a file
(:func:`codes_read`), or made one at a time for one customer (:func:`coupon_issue`: a tier's
upgrade coupon).

A use (:func:`coupon_redeem`) is taken with the coupon's row locked (``SELECT ... FOR UPDATE``
on PostgreSQL; on SQLite every write transaction is ``BEGIN IMMEDIATE``), so that requests side
by side are taken one after the other and a code is never used more times than its limit. Its
idempotency key is unique in the database and read once the lock is held: the same request made
twice (a checkout completed twice) makes one use. A cancelled or refunded order gives its uses
back (:func:`coupon_use_give_back`, called on the order events).
"""

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.actors import as_actor
from patron.customers.filters import customer_filters
from patron.customers.models import Customer
from patron.imports.reading import FileRefused, open_table
from patron.loyalty.models import Coupon, CouponBatch, CouponUse
from patron.web.dates import format_moment
from patron.workspace.money import format_money
from patron.workspace.services import get_workspace

MANAGE = "loyalty.manage_programme"
REDEEM = "loyalty.redeem_points"

# No 0/O/D, 1/I/L, 2/Z, 5/S, 8/B, U/V: what a customer reads off a receipt or types on a phone.
ALPHABET = "ACEFGHJKMNPQRTWXY34679"
GROUPS, GROUP_SIZE = 3, 4  # ACEF-GHJK-MNPQ: 12 characters, about 53 bits
MAX_COUNT = 10_000  # codes in one batch
MAX_FILE_CODES = 100_000
IMPORTED_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,38}[A-Z0-9]")
_SPACES = re.compile(r"\s+")


class CouponRefused(Exception):
    """A use that the coupon's rules refuse: ``reason`` (a code for programs: unknown,
    not_yet_valid, expired, used_up, used_by_customer, other_customer, used_on_order,
    below_minimum, not_in_segment) and the message for people, in their language."""

    def __init__(self, reason, message):
        self.reason, self.message = reason, message
        super().__init__(message)


class CouponKeyReused(Exception):
    """An idempotency key already used for another use (another code, customer or order)."""

    def __init__(self):
        super().__init__(_("This idempotency key was already used for a different request."))


# -- codes


def new_code():
    """A random code, ACEF-GHJK-MNPQ."""
    chars = "".join(secrets.choice(ALPHABET) for _n in range(GROUPS * GROUP_SIZE))
    return "-".join(chars[i : i + GROUP_SIZE] for i in range(0, len(chars), GROUP_SIZE))


def normal_code(text):
    """A code as typed (any case, spaces) as it is stored: upper case, without spaces."""
    return _SPACES.sub("", str(text or "")).upper()


def _candidates(text):
    """The stored forms a typed code may stand for: as typed, and grouped as generated codes
    are (ACEFGHJKMNPQ typed without its dashes)."""
    code = normal_code(text)
    compact = code.replace("-", "")
    found = {code}
    if len(compact) == GROUPS * GROUP_SIZE:
        found.add("-".join(compact[i : i + GROUP_SIZE] for i in range(0, len(compact), GROUP_SIZE)))
    return found


def coupon_find(code):
    """The coupon of ``code`` as typed, or None."""
    return Coupon.objects.select_related("batch").filter(code__in=_candidates(code)).first()


def _unused_codes(count):
    """``count`` new codes that no coupon has (a collision is drawn again)."""
    codes = set()
    while len(codes) < count:
        drawn = {new_code() for _n in range(count - len(codes))} - codes
        taken = set(Coupon.objects.filter(code__in=drawn).values_list("code", flat=True))
        codes |= drawn - taken
    return list(codes)


def codes_read(path):
    """The codes of a CSV or XLSX file: the first column, a header row first. Every bad,
    repeated or already used code is refused with its row, all at once (ValidationError under
    ``file``); nothing is kept of a file with any."""
    problems, codes, rows_of = [], [], {}
    try:
        with open_table(path) as table:
            for row in table.rows():
                text = row.values[0] if row.values else ""
                code = normal_code(text)
                if row.problem is not None:
                    problems.append(
                        _("Row %(row)s cannot be read: %(reason)s")
                        % {"row": row.number, "reason": row.problem.reason}
                    )
                elif not code and not any(value.strip() for value in row.values):
                    continue
                elif not IMPORTED_CODE.fullmatch(code) or "--" in code:
                    problems.append(
                        _(
                            "Row %(row)s: %(code)s is not a code: use 4 to 40 letters A-Z, digits and "
                            "single dashes inside."
                        )
                        % {"row": row.number, "code": text.strip() or '""'}
                    )
                elif code in rows_of:
                    problems.append(
                        _("Row %(row)s: %(code)s repeats row %(first)s.")
                        % {"row": row.number, "code": code, "first": rows_of[code]}
                    )
                else:
                    rows_of[code] = row.number
                    codes.append(code)
                if len(codes) > MAX_FILE_CODES:
                    raise ValidationError(
                        {
                            "file": [
                                _("A file may hold at most %(limit)s codes.")
                                % {"limit": f"{MAX_FILE_CODES:,}"}
                            ]
                        }
                    )
    except FileRefused as refused:
        raise ValidationError({"file": [str(refused.message)]}) from None
    taken = set()
    for start in range(0, len(codes), 1000):
        taken |= set(
            Coupon.objects.filter(code__in=codes[start : start + 1000]).values_list("code", flat=True)
        )
    for code in sorted(taken, key=rows_of.get):
        problems.append(
            _("Row %(row)s: the code %(code)s already exists.") % {"row": rows_of[code], "code": code}
        )
    if not codes and not problems:
        problems.append(_("The file holds no codes: put one code a row in the first column, under a header."))
    if problems:
        raise ValidationError({"file": problems})
    return codes


# -- batches


def batch_create(
    *,
    name,
    benefit,
    use,
    by,
    max_uses=None,
    valid_from=None,
    valid_to=None,
    min_spend=None,
    segment=None,
    count=0,
    codes=(),
):
    """A batch with ``count`` generated codes, or the ``codes`` given (codes_read), in one
    transaction. Every bad value is refused at once, naming its field; nothing is written."""
    actor = as_actor(by)
    require(actor, MANAGE)
    values = _checked_batch(
        name=name,
        benefit=benefit,
        use=use,
        max_uses=max_uses,
        valid_from=valid_from,
        valid_to=valid_to,
        min_spend=min_spend,
        segment=segment,
        count=count,
        codes=codes,
    )
    for attempt in range(5):
        try:
            with transaction.atomic():
                batch = CouponBatch.objects.create(**values, created_by=actor.user)
                made = list(codes) or _unused_codes(count)
                Coupon.objects.bulk_create(Coupon(batch=batch, code=code) for code in made)
            return batch
        except IntegrityError:
            # A code made meanwhile by another batch: drawn codes are drawn again; given ones
            # were taken by someone else, which the reader is told.
            if codes:
                taken = Coupon.objects.filter(code__in=list(codes)).values_list("code", flat=True)
                raise ValidationError(
                    {"file": [_("The code %(code)s already exists.") % {"code": code} for code in taken]}
                ) from None
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _checked_batch(*, name, benefit, use, max_uses, valid_from, valid_to, min_spend, segment, count, codes):
    errors = {}
    name = " ".join(str(name or "").split())
    benefit = " ".join(str(benefit or "").split())
    if not 1 <= len(name) <= 100:
        errors["name"] = [_("Give the batch a name of 1 to 100 characters.")]
    if not 1 <= len(benefit) <= 200:
        errors["benefit"] = [
            _("Say what the coupon gives, in 1 to 200 characters (a discount, a free coffee).")
        ]
    if use not in CouponBatch.Use.values:
        errors["use"] = [
            _("Choose how often a code may be used: once, a set number of times or once per customer.")
        ]
    if max_uses is not None and (isinstance(max_uses, bool) or not isinstance(max_uses, int) or max_uses < 1):
        errors["max_uses"] = [_("Give the uses per code as a whole number above 0.")]
    elif use == CouponBatch.Use.LIMITED and max_uses is None:
        errors["max_uses"] = [_("Give how many times each code may be used.")]
    elif use == CouponBatch.Use.SINGLE and max_uses not in (None, 1):
        errors["max_uses"] = [_("A code used once has 1 use; choose a set number of times for more.")]
    if use == CouponBatch.Use.SINGLE:
        max_uses = 1
    if valid_from and valid_to and valid_to <= valid_from:
        errors["valid_to"] = [_("The end of the validity must come after its start.")]
    if min_spend is not None and (min_spend < 0 or min_spend.as_tuple().exponent < -4):
        errors["min_spend"] = [_("Give the minimum spend as an amount of 0 or more, in the base currency.")]
    try:
        segment = customer_filters.from_json(segment or {}).to_json()
    except ValidationError as exc:
        errors["segment"] = exc.messages
    if codes and count:
        errors["count"] = [_("Either generate codes or import them from a file, not both.")]
    elif not codes and (isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT):
        errors["count"] = [
            _("Give how many codes to make, from 1 to %(limit)s.") % {"limit": f"{MAX_COUNT:,}"}
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "benefit": benefit,
        "use": use,
        "max_uses": max_uses,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "min_spend": min_spend,
        "segment": segment,
    }


def coupon_issue(*, batch, customer, by):
    """A new code of ``batch`` for ``customer`` alone (a tier's upgrade coupon)."""
    actor = as_actor(by)
    require(actor, MANAGE)
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Coupon.objects.create(batch=batch, code=new_code(), customer=customer)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


# -- uses


def coupon_redeem(*, code, customer, key, by, order=None, now=None):
    """Use the coupon ``code`` for ``customer`` (on ``order``, when given). Returns (use,
    created): the same ``key`` again returns the first use and uses nothing. Raises
    CouponRefused with the reason and a message, CouponKeyReused for a key used for another
    use, ValidationError for an order that is not this customer's or was cancelled."""
    actor = as_actor(by)
    require(actor, REDEEM)
    key = str(key or "").strip()
    if not 1 <= len(key) <= 200:
        raise ValidationError({"key": [_("Give an idempotency key of 1 to 200 characters.")]})
    _check_order(order, customer)
    try:
        with transaction.atomic():
            coupon = (
                Coupon.objects.select_for_update()
                .filter(code__in=_candidates(code))
                .select_related("batch")
                .first()
            )
            if coupon is None:
                raise CouponRefused(
                    "unknown", _("There is no coupon with the code %(code)s.") % {"code": normal_code(code)}
                )
            first = CouponUse.objects.filter(key=key).first()
            if first is not None:
                if (first.coupon_id, first.customer_id, first.order_id) != (
                    coupon.pk,
                    customer.pk,
                    getattr(order, "pk", None),
                ):
                    raise CouponKeyReused()
                return first, False
            _check_use(coupon, customer, order, now or timezone.now())
            use = CouponUse.objects.create(
                coupon=coupon,
                customer=customer,
                order=order,
                key=key,
                used_at=timezone.now(),
                **actor.columns(),
            )
            Coupon.objects.filter(pk=coupon.pk).update(uses=F("uses") + 1)
    except IntegrityError:
        if CouponUse.objects.filter(key=key).exists():  # the key, taken by a use of another code
            raise CouponKeyReused() from None
        raise
    return use, True


def _check_order(order, customer):
    if order is None:
        return
    if order.customer_id != customer.pk:
        raise ValidationError({"order": [_("This order is another customer's.")]})
    if order.status != order.Status.COMPLETED or order.return_of_id:
        raise ValidationError({"order": [_("A coupon can only be used on a completed order.")]})


def _check_use(coupon, customer, order, now):
    """Refuse the use, with its reason, when a rule of the coupon's batch forbids it."""
    batch = coupon.batch
    if batch.valid_from and now < batch.valid_from:
        raise CouponRefused(
            "not_yet_valid",
            _("This coupon can be used from %(start)s.") % {"start": format_moment(batch.valid_from)},
        )
    if batch.valid_to and now >= batch.valid_to:
        raise CouponRefused(
            "expired", _("This coupon expired on %(end)s.") % {"end": format_moment(batch.valid_to)}
        )
    if coupon.customer_id and coupon.customer_id != customer.pk:
        raise CouponRefused("other_customer", _("This coupon was given to another customer."))
    if batch.max_uses is not None and coupon.uses >= batch.max_uses:
        if batch.use == CouponBatch.Use.SINGLE:
            raise CouponRefused("used_up", _("This coupon has already been used."))
        raise CouponRefused(
            "used_up",
            _("This coupon has been used as many times as it may be (%(limit)s): none is left.")
            % {"limit": f"{batch.max_uses:,}"},
        )
    live = CouponUse.objects.filter(coupon=coupon, given_back_at=None)
    if batch.use == CouponBatch.Use.PER_CUSTOMER and live.filter(customer=customer).exists():
        raise CouponRefused("used_by_customer", _("This customer has already used this coupon."))
    if order is not None and live.filter(order=order).exists():
        raise CouponRefused("used_on_order", _("This coupon is already used on this order."))
    if batch.min_spend is not None:
        currency = get_workspace().currency
        minimum = format_money(batch.min_spend, currency, get_language())
        if order is None:
            raise CouponRefused(
                "below_minimum",
                _("This coupon is for orders of at least %(minimum)s: give the order it is used on.")
                % {"minimum": minimum},
            )
        # Both Decimal, compared exactly: an order at the minimum passes (no float rounding).
        if order.total_base < batch.min_spend:
            raise CouponRefused(
                "below_minimum",
                _("This coupon is for orders of at least %(minimum)s; this order comes to %(total)s.")
                % {"minimum": minimum, "total": format_money(order.total_base, currency, get_language())},
            )
    if batch.segment and not in_segment(batch, customer):
        raise CouponRefused(
            "not_in_segment", _("This coupon is not for this customer: it was made for other customers.")
        )


def in_segment(batch, customer):
    """Whether ``customer`` is among the customers of the batch's segment (a filter naming a tag
    deleted since holds nobody)."""
    try:
        selection = customer_filters.from_json(batch.segment)
    except ValidationError:
        return False
    return selection.apply(Customer.objects.filter(pk=customer.pk)).exists()


def coupon_use_give_back(*, use):
    """Give back ``use`` (its order cancelled): the code may be used again. Returns True when
    this call gave it back, False when it already was."""
    with transaction.atomic():
        coupon = Coupon.objects.select_for_update().get(pk=use.coupon_id)
        given = CouponUse.objects.filter(pk=use.pk, given_back_at=None).update(given_back_at=timezone.now())
        if given:
            Coupon.objects.filter(pk=coupon.pk).update(uses=F("uses") - 1)
    return bool(given)


def give_back_on_cancel(sender, event, **kwargs):
    """orders_recorded: the uses on orders now cancelled or refunded are given back."""
    from patron.sales.models import Order

    ids = [*event.changed, *event.created]
    if not ids:
        return
    gone = Order.objects.filter(pk__in=ids, status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
    for use in CouponUse.objects.filter(order__in=gone, given_back_at=None):
        coupon_use_give_back(use=use)
