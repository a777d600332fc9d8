"""Changing an order's status (patron.sales.status): cancelled, refunded, returned in full or in
part; what each leaves in net spend, what is refused, who may, what is told and audited."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from patron.customers.models import AuditEvent
from patron.customers.tests.factories import make_customer
from patron.sales.events import OrdersRecorded
from patron.sales.models import Order
from patron.sales.selectors import purchase_totals
from patron.sales.services import order_create
from patron.sales.status import (
    allowed_changes,
    left_to_return,
    order_status_change,
    order_status_check,
    shown_status,
    with_returned,
)
from patron.sales.tests.listening import hearing
from patron.scoring.reading import orders_frame
from patron.workspace.models import ExchangeRate, Workspace

pytestmark = pytest.mark.django_db
PLACED = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def buy(customer, by, total="1000.00", **fields):
    return order_create(customer=customer, placed_at=PLACED, channel="store", total=total, by=by, **fields)


def refused(field, **change):
    with pytest.raises(ValidationError) as caught:
        order_status_change(**change)
    return caught.value.message_dict[field]


def net_spend(customer):
    frame = orders_frame()
    return sum(Decimal(str(amount)) for amount in frame.filter(frame["customer"] == customer.pk)["amount"])


def test_cancel_and_refund_change_the_order_and_leave_nothing_in_spend(somchai, somsri):
    cancelled, refunded = buy(somsri, somchai), buy(somsri, somchai, total="400.00")
    order_status_change(order=cancelled, status="cancelled", by=somchai)
    changed = order_status_change(order=refunded.pk, status="refunded", by=somchai)
    assert changed.status == "refunded" and changed.made_return is None
    assert list(Order.objects.order_by("pk").values_list("status", flat=True)) == ["cancelled", "refunded"]
    assert net_spend(somsri) == 0
    assert purchase_totals(somsri)["refunded"] == Decimal("400.00")


def test_a_full_return_is_a_document_tied_to_its_order_and_nets_it_to_nothing(somchai, somsri):
    order = buy(somsri, somchai)
    changed = order_status_change(order=order, status="returned", by=somchai)
    made = changed.made_return
    assert (made.status, made.return_of, made.total, made.total_base) == (
        "returned",
        order,
        Decimal("1000.00"),
        Decimal("1000.00"),
    )
    assert (made.customer, made.currency, made.channel) == (somsri, "THB", "store")
    order.refresh_from_db()
    assert order.status == "completed"  # the order keeps its status; its returns say the rest
    assert shown_status(order) == "returned" and changed.returned == Decimal("1000.00")
    assert net_spend(somsri) == 0
    assert purchase_totals(somsri)["refunded"] == Decimal("1000.00")


def test_partial_returns_add_up_to_the_total_and_never_past_it(somchai, somsri):
    order = buy(somsri, somchai)
    assert order_status_change(order=order, status="returned", amount="350.00", by=somchai).returned == 350
    assert net_spend(somsri) == Decimal("650")
    assert shown_status(order) == "completed" and left_to_return(order) == Decimal("650.00")

    (message,) = refused("amount", order=order, status="returned", amount="650.01", by=somchai)
    assert message == "Only 650.00 THB of this order is left to return."

    rest = order_status_change(order=order, status="returned", by=somchai)  # no amount: the rest
    assert rest.made_return.total == Decimal("650.00") and rest.returned == Decimal("1000.00")
    assert sorted(Order.objects.get(pk=order.pk).returns.values_list("total", flat=True)) == [350, 650]
    assert with_returned(Order.objects.filter(pk=order.pk)).get().returned == Decimal("1000.00")
    assert net_spend(somsri) == 0
    (message,) = refused("status", order=order, status="returned", amount="1", by=somchai)
    assert "returned in full" in message


def test_a_return_takes_its_orders_rate_and_the_last_part_the_rest_of_its_base_total(somchai, somsri):
    ExchangeRate.objects.create(currency="USD", date=date(2025, 3, 1), rate=Decimal("33.3333"))
    order = buy(somsri, somchai, total="10.00", currency="USD")
    assert order.total_base == Decimal("333.33")
    ExchangeRate.objects.create(currency="USD", date=date.today(), rate=Decimal("99"))  # not the return's
    parts = [order_status_change(order=order, status="returned", amount="3.33", by=somchai) for _ in range(3)]
    last = order_status_change(order=order, status="returned", by=somchai).made_return
    assert [p.made_return.total_base for p in parts] == [Decimal("111.00")] * 3
    assert (last.total, last.total_base) == (Decimal("0.01"), Decimal("0.33"))
    assert net_spend(somsri) == 0


@pytest.mark.parametrize(
    ("first", "then", "field", "message"),
    [
        (("cancelled",), ("cancelled", None), "status", "This order is already cancelled."),
        (("cancelled",), ("returned", None), "status", "This order was cancelled: it can no longer"),
        (("refunded",), ("cancelled", None), "status", "This order was refunded: it can no longer"),
        (("refunded",), ("refunded", None), "status", "This order is already refunded."),
        (("returned", "100"), ("cancelled", None), "status", "Part of this order was returned already"),
        (("returned", "100"), ("refunded", None), "status", "Part of this order was returned already"),
        ((), ("completed", None), "status", "Choose one of: cancelled, refunded, returned."),
        ((), ("lost", None), "status", "Choose one of: cancelled, refunded, returned."),
        ((), ("cancelled", "10"), "amount", "An amount is given only for a partial return."),
        ((), ("returned", "350.005"), "amount", "THB amounts have at most 2 decimal places."),
        ((), ("returned", "0"), "amount", "Must be greater than 0."),
        ((), ("returned", "-5"), "amount", "Must be greater than 0."),
        ((), ("returned", "NaN"), "amount", "Must be greater than 0."),
        ((), ("returned", "a lot"), "amount", "a lot is not a number."),
        ((), ("returned", 12.5), "amount", "12.5 is not a number."),
        ((), ("returned", "1000.01"), "amount", "Only 1000.00 THB of this order is left to return."),
    ],
)
def test_impossible_changes_are_refused_with_a_reason_and_write_nothing(
    somchai, somsri, first, then, field, message
):
    order = buy(somsri, somchai)
    if first:
        order_status_change(
            order=order, status=first[0], amount=first[1] if len(first) > 1 else None, by=somchai
        )
    before = (list(Order.objects.values_list("pk", "status", "total")), AuditEvent.objects.count())
    with hearing() as told:
        (said,) = refused(field, order=order, status=then[0], amount=then[1], by=somchai)
    assert said.startswith(message)
    assert (list(Order.objects.values_list("pk", "status", "total")), AuditEvent.objects.count()) == before
    assert told == []


def test_a_return_itself_cannot_be_changed(somchai, somsri):
    made = order_status_change(
        order=buy(somsri, somchai), status="returned", amount="5", by=somchai
    ).made_return
    imported = buy(somsri, somchai, total="30.00", status="returned")  # a return read from a file
    for document in (made, imported):
        (message,) = refused("status", order=document, status="cancelled", by=somchai)
        assert message.startswith("This is a return")


def test_a_free_order_has_nothing_to_return_but_can_be_cancelled(somchai, somsri):
    order = buy(somsri, somchai, total="0")
    (message,) = refused("status", order=order, status="returned", by=somchai)
    assert message == "This order's total is 0: there is nothing to return."
    assert order_status_change(order=order, status="cancelled", by=somchai).status == "cancelled"


def test_whole_number_currencies_refuse_fractions(somchai, somsri):
    Workspace.objects.filter(pk=1).update(currency="VND", country="VN")
    order = buy(somsri, somchai, total="250000", currency="VND")
    (message,) = refused("amount", order=order, status="returned", amount="1000.5", by=somchai)
    assert message == "VND amounts must be whole numbers."


def test_only_roles_that_change_orders_may(somchai, staff, somsri):
    order = buy(somsri, somchai)
    for name in ("emre", "maria"):
        with pytest.raises(PermissionDenied):
            order_status_change(order=order, status="cancelled", by=staff(name))
    assert order_status_change(order=order, status="cancelled", by=staff("lan")).status == "cancelled"


def test_each_change_is_audited_on_the_customer(somchai, somsri):
    order = buy(somsri, somchai, external_id="R-1")
    order_status_change(order=order, status="returned", amount="350", by=somchai)
    order_status_change(order=order, status="returned", amount="50", by=somchai)
    other = buy(somsri, somchai, total="10")
    order_status_change(order=other, status="refunded", by=somchai)
    trail = [
        (e.action, e.changes, e.actor_id)
        for e in AuditEvent.objects.filter(customer=somsri, changes__has_key="order").order_by("pk")
    ]
    assert trail == [
        ("update", {"order": "R-1", "returned": [None, "350.00 THB"]}, somchai.pk),
        ("update", {"order": "R-1", "returned": ["350.00 THB", "400.00 THB"]}, somchai.pk),
        ("update", {"order": f"#{other.pk}", "status": ["completed", "refunded"]}, somchai.pk),
    ]


def test_each_change_is_told_once_after_its_commit(somchai, somsri, django_capture_on_commit_callbacks):
    order, other = buy(somsri, somchai), buy(somsri, somchai)
    with hearing() as told:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            made = order_status_change(order=order, status="returned", amount="1", by=somchai).made_return
            assert told == []
        assert len(callbacks) == 1
        with django_capture_on_commit_callbacks(execute=True):
            order_status_change(order=other, status="cancelled", by=somchai)
    # (The test's own transaction is still open around the callbacks django runs.)
    assert [(name, event) for name, event, _open in told] == [
        ("recorded", OrdersRecorded(created=(made.pk,), changed=(order.pk,))),
        ("recorded", OrdersRecorded(changed=(other.pk,))),
    ]


def test_refusals_are_said_in_the_users_language(somchai, somsri):
    order = buy(somsri, somchai)
    order_status_change(order=order, status="cancelled", by=somchai)
    for language in ("th", "vi", "tr", "fil"):
        with translation.override(language):
            (message,) = refused("status", order=order, status="cancelled", by=somchai)
        assert message != "This order is already cancelled.", language


def test_allowed_changes_are_what_the_service_would_take(somchai, somsri):
    fresh, partly, cancelled = (buy(somsri, somchai) for _ in range(3))
    order_status_change(order=partly, status="returned", amount="1", by=somchai)
    order_status_change(order=cancelled, status="cancelled", by=somchai)
    free = buy(somsri, somchai, total="0")
    cancelled.refresh_from_db()
    made = partly.returns.get()
    assert allowed_changes(fresh) == ["cancelled", "refunded", "returned"]
    assert allowed_changes(partly) == ["returned"]
    assert allowed_changes(cancelled) == allowed_changes(made) == []
    assert allowed_changes(free) == ["cancelled", "refunded"]


def test_a_check_says_what_a_return_would_give_back_and_writes_nothing(somchai, somsri, staff):
    order = buy(somsri, somchai)
    assert order_status_check(order=order, status="returned", amount="350", by=somchai) == Decimal("350.00")
    assert order_status_check(order=order, status="returned", by=somchai) == Decimal("1000.00")
    assert order_status_check(order=order, status="cancelled", by=somchai) is None
    with pytest.raises(ValidationError):
        order_status_check(order=order, status="returned", amount="1000.01", by=somchai)
    with pytest.raises(PermissionDenied):
        order_status_check(order=order, status="cancelled", by=staff("emre"))
    assert Order.objects.count() == 1 and Order.objects.get().status == "completed"
