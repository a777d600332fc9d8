"""Reading one row of an orders file: its order, customer reference, amount and line.

Pure parsing, no database: :class:`OrderRowReader` turns the mapped cells of a row into an
:class:`OrderRow`, or raises :class:`RowProblems` with every problem of the row, each with
the field it is about. It is on the hot path of a large import, so it keeps per-currency
amount readers and avoids work on empty columns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_noop

from patron.customers.folding import fold
from patron.imports.attributes import text
from patron.imports.messages import said
from patron.imports.values import AmountReader, ValueProblem, parse_bool, parse_quantity
from patron.sales.rules import RETURN
from patron.workspace.money import MoneyError, check_currency, quantum

STATUSES = {
    "completed": "completed",
    "complete": "completed",
    "paid": "completed",
    "done": "completed",
    "delivered": "completed",
    "สำเร็จ": "completed",
    "ชำระแล้ว": "completed",
    "hoan thanh": "completed",
    "da giao": "completed",
    "tamamlandi": "completed",
    "teslim edildi": "completed",
    "kumpleto": "completed",
    "fulfilled": "completed",
    "สำเร็จแล้ว": "completed",
    "ชำระเงินแล้ว": "completed",
    "จัดส่งสำเร็จ": "completed",
    "da thanh toan": "completed",
    "da hoan thanh": "completed",
    "tamamlanan": "completed",
    "refunded": "refunded",
    "refund": "refunded",
    "คืนเงิน": "refunded",
    "hoan tien": "refunded",
    "iade edildi": "refunded",
    "ibinalik ang bayad": "refunded",
    "คืนเงินแล้ว": "refunded",
    "da hoan tien": "refunded",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "ยกเลิก": "cancelled",
    "da huy": "cancelled",
    "huy": "cancelled",
    "iptal": "cancelled",
    "iptal edildi": "cancelled",
    "kanselado": "cancelled",
    "ยกเลิกแล้ว": "cancelled",
    "da bi huy": "cancelled",
    "returned": "returned",
    "return": "returned",
    "คืนสินค้า": "returned",
    "tra hang": "returned",
    "iade": "returned",
    "ibinalik": "returned",
}
CHANNELS = {
    "store": "store",
    "shop": "store",
    "pos": "store",
    "in store": "store",
    "offline": "store",
    "หน้าร้าน": "store",
    "cua hang": "store",
    "tai cua hang": "store",
    "magaza": "store",
    "tindahan": "store",
    "walk-in": "store",
    "ขายหน้าร้าน": "store",
    "ban truc tiep": "store",
    "ban tai cua hang": "store",
    "web": "web",
    "website": "web",
    "online": "web",
    "e-commerce": "web",
    "ออนไลน์": "web",
    "เว็บไซต์": "web",
    "trang web": "web",
    "internet": "web",
    "app": "app",
    "mobile app": "app",
    "แอป": "app",
    "ung dung": "app",
    "uygulama": "app",
    "phone": "phone",
    "telephone": "phone",
    "โทรศัพท์": "phone",
    "dien thoai": "phone",
    "telefon": "phone",
    "telepono": "phone",
    "marketplace": "marketplace",
    "shopee": "marketplace",
    "lazada": "marketplace",
    "tiki": "marketplace",
    "tiktok shop": "marketplace",
    "trendyol": "marketplace",
    "hepsiburada": "marketplace",
    "n11": "marketplace",
    "zalora": "marketplace",
    "san tmdt": "marketplace",
    "pazaryeri": "marketplace",
}
DEFAULT_CHANNEL = "store"


class RowProblems(Exception):
    """Every problem found in one row: [(field, reason)]."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


@dataclass(slots=True)
class OrderRow:
    number: int
    order_id: str
    customer_id: str  # the customer's external id in the file's source, or ""
    customer_name: str
    customer_phone: str
    customer_email: str
    placed_at: datetime
    status: str
    channel: str
    currency: str
    amount: Decimal | None  # the row's amount, made positive for a return
    order_total: Decimal | None  # the whole order's amount, on each of its lines
    sku: str
    product_name: str
    category: str
    quantity: Decimal | None
    unit_price: Decimal | None

    @property
    def customer_key(self):
        """How the file names the customer: their id, else their e-mail, else their phone."""
        if self.customer_id:
            return f"id:{self.customer_id}"
        if self.customer_email:
            return f"email:{self.customer_email.casefold()}"
        if self.customer_phone:
            return f"phone:{''.join(ch for ch in self.customer_phone if ch.isdigit())}"
        return ""

    def fingerprint(self, total):
        """A stable key for an order without a number: customer as written, time and amount."""
        moment = self.placed_at.timestamp()
        key = f"{self.customer_key}|{moment:.0f}|{self.currency}|{total}|{self.status}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


def _word(value):
    return fold(text(value)).replace("_", " ")


def clean_cell(value):
    """``text(value)``, sooner for the usual cell that has no runs of white space inside."""
    if not value:
        return ""
    stripped = value.strip()
    if "  " in stripped or "\t" in stripped or "\n" in stripped or "\xa0" in stripped:
        return text(stripped)
    return stripped


def status_of(raw):
    return STATUSES.get(_word(raw))


def channel_of(raw):
    return CHANNELS.get(_word(raw))


def _currency(raw):
    try:
        return check_currency(raw)
    except MoneyError:
        return None


def _known(cache, raw, read):
    """``read(raw)``, remembered: a file repeats its few currencies, statuses and channels."""
    try:
        return cache[raw]
    except KeyError:
        if len(cache) > 1000:
            cache.clear()
        value = cache[raw] = read(raw)
        return value


class OrderRowReader:
    """Reads the mapped cells of one row (``{field: raw text}``) into an :class:`OrderRow`.

    ``currency``: the file's currency (--country's, else the workspace's) for rows that do not
    name one; ``locale_hint`` settles "1,234" against "1.234" (see AmountReader); ``dates`` is
    the file's DateReader; ``now`` the latest time an order may have.
    """

    def __init__(self, *, dates, currency, locale_hint, now):
        self.dates = dates
        self.currency = currency
        self.locale_hint = locale_hint
        self.now = now
        self._amounts: dict[str, AmountReader] = {}
        # Cells a file repeats on every row, read once: {raw text: value or None}.
        self._currencies: dict[str, str | None] = {}
        self._statuses: dict[str, str | None] = {}
        self._channels: dict[str, str | None] = {}

    def _amount_reader(self, currency):
        reader = self._amounts.get(currency)
        if reader is None:
            reader = self._amounts[currency] = AmountReader(currency, self.locale_hint)
        return reader

    def read(self, number, cells) -> OrderRow:
        values, problems = self.read_fields(cells)
        if problems:
            raise RowProblems(problems)
        return OrderRow(number=number, **values)

    def read_fields(self, cells):
        """({OrderRow's field: value}, [(field, reason)]) of one row's cells: what ``read`` makes
        of them, and what the import preview shows of each cell."""
        problems = []
        get = cells.get

        placed_at = None
        raw = get("placed_at", "")
        if not raw.strip():
            problems.append(("placed_at", said(gettext_noop("the order date is missing"))))
        else:
            try:
                placed_at = self.dates.parse_datetime(raw)
            except ValueProblem as problem:
                problems.append(("placed_at", problem.message))
            else:
                if placed_at > self.now:
                    problems.append(
                        ("placed_at", said(gettext_noop("%(value)s is in the future"), value=raw.strip()))
                    )

        currency = self.currency
        raw = get("currency", "")
        if raw and raw.strip():
            currency = _known(self._currencies, raw, _currency)
            if currency is None:
                reason = gettext_noop("unknown currency '%(value)s': use an ISO 4217 code such as THB")
                reason = said(reason, value=raw.strip())
                problems.append(("currency", reason))

        status = "completed"
        raw = get("status", "")
        if raw and raw.strip():
            status = _known(self._statuses, raw, status_of)
            if status is None:
                reason = gettext_noop(
                    "'%(value)s' is not a status: use completed, refunded, cancelled or returned"
                )
                reason = said(reason, value=text(raw))
                problems.append(("status", reason))
        is_return = status == RETURN
        raw = get("is_return", "")
        if raw and raw.strip():
            try:
                if parse_bool(raw):
                    is_return, status = True, RETURN
            except ValueProblem as problem:
                problems.append(("is_return", problem.message))

        channel = DEFAULT_CHANNEL
        raw = get("channel", "")
        if raw and raw.strip():
            channel = _known(self._channels, raw, channel_of)
            if channel is None:
                reason = gettext_noop(
                    "'%(value)s' is not a sales channel: use store, web, app, phone or marketplace"
                )
                reason = said(reason, value=text(raw))
                problems.append(("channel", reason))

        amount = self._money(get("total", ""), "total", currency, is_return, problems)
        order_total = self._money(get("order_total", ""), "order_total", currency, is_return, problems)
        unit_price = self._money(get("unit_price", ""), "unit_price", currency, is_return, problems)
        quantity = None
        raw = get("quantity", "")
        if raw and raw.strip():
            try:
                quantity = parse_quantity(raw, self.locale_hint)
            except ValueProblem as problem:
                problems.append(("quantity", problem.message))
            else:
                if quantity < 0 and is_return:
                    quantity = -quantity
                elif quantity < 0:
                    reason = gettext_noop("negative quantity %(value)s on a row not marked as a return")
                    reason = said(reason, value=text(raw))
                    problems.append(("quantity", reason))
                if quantity == 0:
                    problems.append(("quantity", said(gettext_noop("the quantity is zero"))))

        customer_id = clean_cell(get("customer_external_id", ""))
        customer_email = clean_cell(get("customer_email", ""))
        customer_phone = clean_cell(get("customer_phone", ""))
        if not (customer_id or customer_email or customer_phone):
            reason = said(gettext_noop("the customer reference (id, e-mail or phone) is missing"))
            problems.append(("customer_external_id", reason))
        sku = clean_cell(get("sku", ""))[:64]
        product_name = clean_cell(get("product_name", ""))
        return {
            "order_id": clean_cell(get("order_id", "")),
            "customer_id": customer_id,
            "customer_name": clean_cell(get("customer_name", "")),
            "customer_phone": customer_phone,
            "customer_email": customer_email,
            "placed_at": placed_at,
            "status": status,
            "channel": channel,
            "currency": currency,
            "amount": amount,
            "order_total": order_total,
            "sku": sku or product_name[:64],
            "product_name": product_name or sku,
            "category": clean_cell(get("category", ""))[:100],
            "quantity": quantity,
            "unit_price": unit_price,
        }, problems

    def _money(self, raw, field_name, currency, is_return, problems):
        if not raw or currency is None or not raw.strip():
            return None
        try:
            value = self._amount_reader(currency).parse(raw)
        except ValueProblem as problem:
            problems.append((field_name, problem.message))
            return None
        if value < 0:
            if not is_return:
                reason = gettext_noop("negative amount %(value)s on a row not marked as a return")
                reason = said(reason, value=text(raw))
                problems.append((field_name, reason))
                return None
            value = -value
        step = quantum(currency)
        if value != value.quantize(step):
            places = -step.as_tuple().exponent
            reason = gettext_noop("%(currency)s amounts have at most %(places)d decimal places")
            problems.append((field_name, said(reason, currency=currency, places=places)))
            return None
        return value
