"""One slice of demo customers with their whole history, as unsaved model instances.

Children point at their unsaved parents; `bulk_create` of the parents first gives them ids
that Django then copies into the children.
"""

import base64
import bisect
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from patron.actors import Actor
from patron.customers.audit import Action, audit_event
from patron.customers.identity import email_match_key
from patron.customers.models import (
    Consent,
    ConsentEvent,
    ContactKind,
    ContactPoint,
    Customer,
    ExternalId,
)
from patron.customers.services import search_text_for
from patron.demo.draw import Choice
from patron.demo.orders import STATUSES
from patron.demo.people import People
from patron.interactions.models import Interaction
from patron.sales.models import Order, OrderLine
from patron.workspace.money import quantize

CUSTOMER_SOURCE = "demo-pos"
ORDER_SOURCE = "demo"
# Who writes the demo shop's history, and scores it on the first run: the system, in the demo job.
DEMO = Actor.system(job="demo")
ORDER_PREFIX = {"store": "POS", "web": "WEB", "app": "APP", "phone": "TEL", "marketplace": "MKT"}
GRANT_SOURCE = {
    "store": "in-store sign-up form",
    "web": "web checkout",
    "app": "app sign-up",
    "phone": "phone order",
    "marketplace": "marketplace order",
}
LINE_COUNTS = Choice({1: 0.42, 2: 0.3, 3: 0.18, 4: 0.1})
# The chat app a shop's customers reach it on, and the share who gave their id: LINE in
# Thailand, Zalo in Vietnam, WhatsApp in Türkiye (their mobile number), Viber in the Philippines.
CHAT_APPS = {
    "TH": (ContactKind.LINE, 0.45),
    "VN": (ContactKind.ZALO, 0.5),
    "TR": (ContactKind.WHATSAPP, 0.4),
    "PH": (ContactKind.VIBER, 0.35),
}
MEMBER_PRICE = Decimal("0.9")
REGULAR_ORDERS = 5


@dataclass
class Batch:
    customers: list = field(default_factory=list)
    created_at: list = field(default_factory=list)
    contact_points: list = field(default_factory=list)
    external_ids: list = field(default_factory=list)
    audits: list = field(default_factory=list)
    tag_links: list = field(default_factory=list)  # (customer, tag name)
    orders: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    interactions: list = field(default_factory=list)
    consent_events: list = field(default_factory=list)
    consents: list = field(default_factory=list)


class ShopPlanner:
    """Plans customers `first..last` of an order book; each call continues the same streams."""

    def __init__(self, *, profile, book, catalogue, products, rngs, now, staff_ids, first_customer_number):
        self.profile = profile
        self.book = book
        self.products = products
        self.people_rng, self.order_rng, self.contact_rng = rngs
        self.people = People(profile, self.people_rng)
        # Chat ids come from a stream of their own, so the people and their histories stay the
        # ones each seed gave before there were chat ids.
        self.chat_rng = self.people_rng.spawn(1)[0]
        self.now_epoch = int(now.timestamp())
        self.today = now.astimezone(ZoneInfo(profile.time_zone)).date()
        self.staff_ids = list(staff_ids)
        self.first_customer_number = first_customer_number
        self.shelf = sorted(catalogue, key=lambda item: (item.price, item.sku))
        self.shelf_prices = [float(item.price) for item in self.shelf]
        # Unit prices by SKU: (shelf price, member price).
        self.unit_prices = {
            item.sku: tuple(quantize(item.price * factor, profile.currency) for factor in (1, MEMBER_PRICE))
            for item in self.shelf
        }
        self.contact_channels = Choice(profile.contact_channels)

    def plan(self, first, last):
        batch = Batch()
        for index in range(first, last):
            self._customer(index, batch)
        return batch

    def _customer(self, index, batch):
        profile, people, rng = self.profile, self.people, self.people_rng
        gender = people.gender()
        name = people.name(gender)
        birthday = people.birthday(self.today) if rng.random() < 0.88 else None
        has_email, has_phone = rng.random() < profile.email_share, rng.random() < profile.phone_share
        if not (has_email or has_phone):
            has_email, has_phone = (True, False) if rng.random() < 0.5 else (False, True)
        emails = [people.email(name, birthday)] if has_email else []
        if has_email and rng.random() < 0.03:
            emails.append(people.email(name, birthday))
        phones = [people.phone()] if has_phone else []
        if has_phone and rng.random() < 0.04:
            phones.append(people.phone())

        chat = self._chat_id(phones)
        external_id = f"C{self.first_customer_number + index:06d}"
        customer = Customer(
            display_name=name.display,
            given_name=name.given,
            family_name=name.family,
            country=profile.country,
            locale=profile.locale,
            time_zone=profile.time_zone,
            birthday=birthday,
            gender=gender,
            search_text=search_text_for(
                names=[name.display, name.given, name.family],
                emails=[address.casefold() for address in emails],
                phones_e164=[e164 for e164, _raw in phones],
                chat_ids=[chat[2]] if chat and chat[0] != ContactKind.WHATSAPP else [],
            ),
        )
        batch.customers.append(customer)
        batch.created_at.append(self._moment(self.book.created[index]))
        batch.contact_points += [
            ContactPoint(
                customer=customer,
                kind=ContactKind.EMAIL,
                value=a,
                normalised=a.casefold(),
                match_key=email_match_key(a),
                is_primary=i == 0,
            )
            for i, a in enumerate(emails)
        ]
        batch.contact_points += [
            ContactPoint(
                customer=customer,
                kind=ContactKind.PHONE,
                value=raw,
                normalised=e164,
                match_key=e164,
                is_primary=i == 0,
            )
            for i, (e164, raw) in enumerate(phones)
        ]
        if chat:
            kind, value, normalised = chat
            batch.contact_points.append(
                ContactPoint(
                    customer=customer,
                    kind=kind,
                    value=value,
                    normalised=normalised,
                    match_key=normalised,
                    is_primary=True,
                )
            )
        batch.external_ids.append(ExternalId(customer=customer, source=CUSTOMER_SOURCE, value=external_id))
        batch.audits.append(
            audit_event(
                customer=customer,
                actor=DEMO,
                action=Action.CREATE,
                changes={
                    "display_name": [None, name.display],
                    "country": [None, profile.country],
                    "external_ids": [None, [f"{CUSTOMER_SOURCE}:{external_id}"]],
                },
            )
        )
        orders = self._orders(index, customer, batch)
        self._interactions(index, customer, orders, bool(emails), bool(phones), batch)
        newsletter = self._consents(index, customer, orders, bool(emails), bool(phones), batch)
        self._tags(index, customer, len(orders), newsletter, batch)

    def _chat_id(self, phones):
        """(kind, value, normalised) of the customer's id on the shop's chat app, or None."""
        app = CHAT_APPS.get(self.profile.country)
        if app is None or self.chat_rng.random() >= app[1]:
            return None
        kind, rng = app[0], self.chat_rng
        if kind == ContactKind.LINE:
            value = "U" + rng.bytes(16).hex()
        elif kind == ContactKind.ZALO:
            value = str(rng.integers(10**18, 9 * 10**18))
        elif kind == ContactKind.VIBER:
            value = base64.b64encode(rng.bytes(16)).decode()
        elif phones:  # WhatsApp: the mobile they gave
            e164, raw = phones[0]
            return kind, raw, e164
        else:
            return None
        return kind, value, value

    def _orders(self, index, customer, batch):
        book, profile = self.book, self.profile
        placed = []
        for k in range(book.start[index], book.start[index] + book.count[index]):
            channel = book.channels[book.channel[k]]
            lines = self._lines(float(book.value[k]), bool(book.wholesale[index]))
            total = quantize(sum(quantity * price for _item, quantity, price in lines), profile.currency)
            order = Order(
                customer=customer,
                source=ORDER_SOURCE,
                external_id=f"{ORDER_PREFIX[channel]}-{book.number[k]:06d}",
                placed_at=self._moment(book.placed[k]),
                status=STATUSES.items[book.status[k]],
                channel=channel,
                currency=profile.currency,
                total=total,
                total_base=total,
                exchange_rate=Decimal(1),
            )
            batch.orders.append(order)
            batch.lines += [
                OrderLine(order=order, product=self.products[item.sku], quantity=quantity, unit_price=price)
                for item, quantity, price in lines
            ]
            placed.append((int(book.placed[k]), channel))
        return placed

    def _lines(self, value, wholesale):
        """1-4 products whose shelf prices add up to about `value`: [(item, quantity, unit price)]."""
        draws = self.order_rng.random(10).tolist()
        count = LINE_COUNTS.at(draws[0])
        weights = [-math.log1p(-u) for u in draws[1 : 1 + count]]  # exponential: Dirichlet(1) shares
        scale = value / sum(weights)
        chosen = {}
        for weight, pick in zip(weights, draws[5:9], strict=False):
            share = weight * scale
            # One of the few products priced at or just under the share, or the next dearer one.
            above = bisect.bisect_right(self.shelf_prices, share)
            low, high = max(above - 4, 0), min(above + 1, len(self.shelf))
            item = self.shelf[low + int(pick * (high - low))]
            quantity = min(max(1, round(share / float(item.price))), 24 if wholesale else 6)
            chosen[item.sku] = (item, chosen.get(item.sku, (item, 0))[1] + quantity)
        member = draws[9] < 0.12
        return [
            (item, Decimal(quantity), self.unit_prices[item.sku][member])
            for item, quantity in chosen.values()
        ]

    def _interactions(self, index, customer, orders, has_email, has_phone, batch):
        rng, profile = self.contact_rng, self.profile
        created = int(self.book.created[index])
        latest = self.now_epoch - 60
        for _ in range(min(int(rng.poisson(0.3 + 0.35 * len(orders))), 15)):
            if orders and rng.random() < 0.6:
                after_order = orders[int(rng.integers(len(orders)))][0]
                moment = after_order + int(rng.exponential(2 * 86400))
            else:
                moment = created + int(rng.random() * max(latest - created, 0))
            inbound = rng.random() < 0.45
            subjects = profile.inbound_subjects if inbound else profile.outbound_subjects
            channel = self.contact_channels.one(rng)
            if channel == "email" and not has_email:
                channel = profile.chat_app
            elif channel in ("sms", "phone") and not has_phone:
                channel = "email"
            staff_id = None
            if self.staff_ids and rng.random() < 0.7:
                staff_id = self.staff_ids[int(rng.integers(len(self.staff_ids)))]
            batch.interactions.append(
                Interaction(
                    customer=customer,
                    channel=channel,
                    direction=Interaction.Direction.INBOUND if inbound else Interaction.Direction.OUTBOUND,
                    subject=subjects[int(rng.integers(len(subjects)))],
                    occurred_at=self._moment(min(max(moment, created), latest)),
                    staff_id=staff_id,
                )
            )

    def _consents(self, index, customer, orders, has_email, has_phone, batch):
        """Grants at sign-up, some withdrawn later; returns whether marketing e-mail is in force."""
        rng = self.contact_rng
        created = int(self.book.created[index])
        source = GRANT_SOURCE[orders[0][1]] if orders else "newsletter sign-up form"
        wanted = []  # (channel, purpose, chance of granting, chance of withdrawing later)
        if has_email:
            if orders:
                wanted += [("email", "service", 0.9, 0), ("email", "marketing", 0.45, 0.15)]
            else:
                wanted += [("email", "marketing", 1, 0.1)]
        if has_phone:
            wanted += [("sms", "service", 0.5, 0), ("sms", "marketing", 0.3, 0.2)]
        newsletter = False
        for channel, purpose, grant_chance, withdraw_chance in wanted:
            if rng.random() >= grant_chance:
                continue
            granted_at = min(created + int(rng.integers(0, 600)), self.now_epoch - 60)
            events = [self._consent_event(customer, channel, purpose, True, granted_at, source)]
            # Times are drawn as fractions of a span, so every run uses the same random numbers.
            withdraw, when = rng.random(2)
            if withdraw < withdraw_chance and granted_at + 86400 < self.now_epoch:
                withdrawn_at = granted_at + 86400 + int(when * (self.now_epoch - granted_at - 86400))
                withdraw_source = "unsubscribe link" if channel == "email" else "SMS STOP reply"
                events.append(
                    self._consent_event(customer, channel, purpose, False, withdrawn_at, withdraw_source)
                )
            latest = events[-1]
            batch.consent_events += events
            batch.consents.append(
                Consent(
                    customer=customer,
                    channel=channel,
                    purpose=purpose,
                    granted=latest.granted,
                    since=latest.occurred_at,
                    source=latest.source,
                    event=latest,
                )
            )
            newsletter = newsletter or (channel, purpose, latest.granted) == ("email", "marketing", True)
        return newsletter

    def _consent_event(self, customer, channel, purpose, granted, moment, source):
        return ConsentEvent(
            customer=customer,
            channel=channel,
            purpose=purpose,
            granted=granted,
            occurred_at=self._moment(moment),
            source=source,
            **DEMO.columns("recorded_by"),
        )

    def _tags(self, index, customer, order_count, newsletter, batch):
        book, profile = self.book, self.profile
        names = []
        if book.vip[index]:
            names.append("vip")
        if book.wholesale[index]:
            names.append("wholesale")
        if newsletter:
            names.append("newsletter")
        if order_count >= REGULAR_ORDERS:
            names.append(profile.regular_tag)
        names += [tag for tag in profile.local_tags if self.contact_rng.random() < 0.05]
        batch.tag_links += [(customer, name) for name in names]

    @staticmethod
    def _moment(epoch):
        return datetime.fromtimestamp(int(epoch), tz=UTC)


def tag_names(profile):
    return ["vip", "wholesale", "newsletter", profile.regular_tag, *profile.local_tags]
