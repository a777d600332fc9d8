"""The bulk path of a customer import ends where the customer services, row by row, end.

The reference: the same import with each batch's rows given one by one to the services
(``find_existing``, ``customer_update``, ``customer_create_or_attach``, each row in its own
savepoint), as the import did before it wrote in bulk. Both run on the same file and the same
stored customers, and everything they leave is compared: the counts and rejects, every
customer's profile, search text, e-mails, phones, tags, external ids and audit events, in
order, and the order of all e-mails and phones by id (which decides which customer a later
row matches).
"""

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from patron.customers.contact_kinds import match_key_or_raw
from patron.customers.identity import find_existing
from patron.customers.models import ContactKind, ContactPoint, Customer, Tag
from patron.customers.services import (
    PROFILE_FIELDS,
    CustomerData,
    customer_create,
    customer_create_or_attach,
    customer_update,
)
from patron.imports import customers as customer_import
from patron.imports.customer_batch import (
    ATTACHED,
    CREATED,
    FOUND_UNCHANGED,
    KINDS,
    UNCHANGED,
    UPDATED,
    match_keys,
    update_for,
)
from patron.imports.customers import import_customers

LONG_TAG = "x" * 51
MIXED = (
    "id,name,email,phone,country,birthday,gender,tags,Points,Branch\n"
    # new customers
    "N1,Somsak Srisuk,somsak.s@gmail.com,081 234 5678,,15/06/1980,ชาย,VIP,120,Siam\n"
    "N2,Malee Wongsa,malee@example.co.th,089 765 4321,,,หญิง,VIP;Newsletter,12.50,\n"
    # an e-mail of a stored customer, written with Gmail dots and a +tag: attaches to her
    "N3,Kanya B.,k.a.n.y.a+shop@gmail.com,,,,,,,Phuket\n"
    # a phone of a stored customer in international form: attaches to him
    "N4,Anan T.,,+66 86 111 2222,,,,Staff,,\n"
    # the id of a stored customer: a new name, e-mail and tag update him
    "S1,Wichai Thongdee,wichai.new@example.com,,,,,Wholesale,,\n"
    # the id of a stored customer, saying nothing new: unchanged
    "S2,Pim Saetang,,,,,,,,\n"
    # the same e-mail as N1 earlier in the file, under another id: attaches to N1
    "N5,Somsak S.,SOMSAK.S@GMAIL.COM,082 000 1111,,,,,,\n"
    # the same phone as N2 under another id, another country stated
    "N6,Malee W.,,089 765 4321,,,,,,\n"
    # a duplicate id in the file
    "N1,Somsak again,,,,,,,,\n"
    # bad rows: e-mail, phone, birthday, a tag too long, a country that is none, a name too long
    "B1,Bad Email,nope@,,,,,,,\n"
    "B2,Bad Phone,,12,,,,,,\n"
    "B3,Bad Birthday,,,,31/02/1990,,,,\n"
    f"B4,Long Tag,,,,,,{LONG_TAG},,\n"
    "B5,No Country,,,XX,,,,,\n"
    f"B6,{'n' * 201},,,,,,,,\n"
    # e-mail of one stored customer, phone of another: the e-mail wins
    "N7,Two Matches,kanya@gmail.com,086 111 2222,,,,,,\n"
    # the e-mail still held by a customer merged into another: attaches to the survivor
    "N8,Merged Match,old@example.com,,,,,,,\n"
    # rows without an id: one adding nothing (unchanged), one adding a phone (attached)
    ",Pim Saetang,pim@example.com,,,,,,,\n"
    ",Pim Saetang,pim@example.com,083 333 4444,,,,,,\n"
    # a Vietnamese customer; an empty row of cells but a name
    "N9,Nguyễn Văn An,an@example.vn,0901234567,VN,,nam,VIP,7,Hà Nội\n"
    "N10,Lan,,,,,,,,\n"
    # an id seen again after a row attached under it: updates the attached customer
    "N11,Somsak Srisuk,somsak+again@gmail.com,,,,,,,\n"
)


@pytest.fixture
def stored(somchai, thai_shop):
    """Customers already in the database before the import."""

    def make(**fields):
        return customer_create(data=CustomerData(**fields), by=somchai)

    make(display_name="Kanya Boonmee", emails=["kanya@gmail.com"], external_ids=[("web", "W1")])
    make(display_name="Anan Thongdee", phones=["086 111 2222"], tags=["Staff"])
    make(display_name="Wichai T", emails=["wichai@example.com"], external_ids=[("pos", "S1")])
    make(display_name="Pim Saetang", emails=["pim@example.com"], external_ids=[("pos", "S2")])
    survivor = make(display_name="Survivor", emails=["survivor@example.com"])
    merged = make(display_name="Merged away", emails=["old@example.com"])
    Customer.objects.filter(pk=merged.pk).update(merged_into=survivor)


class ServicesBatch:
    """The reference: each row given to the customer services, one by one (the import before
    it wrote in bulk)."""

    def __init__(self, *, source, by, workspace_country, today):
        self.source, self.by, self.workspace_country = source, by, workspace_country

    def outcomes(self, rows):
        results = []
        for row in rows:
            try:
                with transaction.atomic():
                    results.append(self._write(row))
            except ValidationError as error:
                results.append(error)
        return results

    def _write(self, row):
        data = row.data
        if row.external_id:
            customer, _matched_on = find_existing(external_ids=[(self.source, row.external_id)])
            if customer is not None:
                update = update_for(
                    customer, replace(data, country=row.stated_country), self.workspace_country
                )
                if update is None:
                    return UNCHANGED
                customer_update(customer=customer, data=update, by=self.by)
                return UPDATED
        else:
            phones = [match_key_or_raw(ContactKind.PHONE, raw, data.country) for raw in data.phones or []]
            keys = zip(KINDS[2:], match_keys(data)[2:], strict=True)
            chats = [(kind, key) for kind, found in keys for key in found]
            customer, _matched_on = find_existing(
                emails=data.emails or [], phones_e164=phones, chat_keys=chats
            )
            if customer is not None and update_for(customer, data, self.workspace_country) is None:
                return FOUND_UNCHANGED
        _customer, matched_on = customer_create_or_attach(data=data, by=self.by)
        return CREATED if matched_on is None else ATTACHED

    def write(self):
        pass


def everything():
    """All an import leaves, without ids (which differ between runs)."""
    customers = []
    for customer in Customer.objects.order_by("pk"):
        customers.append(
            {
                "profile": {name: getattr(customer, name) for name in PROFILE_FIELDS},
                "search_text": customer.search_text,
                "merged": customer.merged_into_id is not None,
                "emails": [(e.value, e.normalised, e.match_key, e.is_primary) for e in customer.email_points],
                "phones": [(p.normalised, p.value, p.is_primary) for p in customer.phone_points],
                "chat ids": [(p.kind, p.value, p.normalised, p.is_primary) for p in customer.chat_points],
                "tags": sorted(t.name for t in customer.tags.all()),
                "ids": sorted((x.source, x.value) for x in customer.external_ids.all()),
                "audit": [(a.action, a.changes, a.actor_id) for a in customer.audit_events.order_by("pk")],
            }
        )
    return {
        "customers": customers,
        "contact points by id": list(
            ContactPoint.objects.order_by("pk").values_list("kind", "value", "normalised")
        ),
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
    }


def imported(path, by, monkeypatch, *, reference, **options):
    """(summary, what the import left), the database then put back as it was."""
    with monkeypatch.context() as patch:
        if reference:
            patch.setattr(customer_import, "CustomerBatch", ServicesBatch)
        with transaction.atomic():
            summary = import_customers(path, by=by, source="pos", **options)
            left = everything()
            transaction.set_rollback(True)
    rejects = [(r.row, r.column, r.reason) for r in summary.rejects]
    return (summary.as_dict() | {"reject_file": None}, rejects), left


@pytest.mark.parametrize("batch_size", [5000, 3, 1])
def test_the_bulk_path_leaves_what_the_services_leave(somchai, stored, tmp_path, monkeypatch, batch_size):
    path = tmp_path / "customers.csv"
    path.write_text(MIXED, encoding="utf-8")
    fast = imported(path, somchai, monkeypatch, reference=False, batch_size=batch_size)
    reference = imported(path, somchai, monkeypatch, reference=True, batch_size=batch_size)
    assert fast[0] == reference[0]
    assert fast[1] == reference[1]
    summary, rejects = fast[0]
    # The file exercises every outcome: a test that compared two empty imports would pass too.
    counts = [summary[key] for key in ("created", "updated", "unchanged", "rejected", "customers_matched")]
    assert counts == [5, 9, 1, 7, 8]
    assert {row for row, _column, _reason in rejects} == {10, 11, 12, 13, 14, 15, 16}


def test_the_same_file_again_leaves_what_the_services_leave(somchai, stored, tmp_path, monkeypatch):
    path = tmp_path / "customers.csv"
    path.write_text(MIXED, encoding="utf-8")
    import_customers(path, by=somchai, source="pos")
    fast = imported(path, somchai, monkeypatch, reference=False)
    reference = imported(path, somchai, monkeypatch, reference=True)
    assert fast == reference
    summary, rejects = fast[0]
    assert (summary["created"], summary["unchanged"], len(rejects)) == (0, 9, 7)


def test_a_role_without_the_tag_permission_is_refused_new_tags_as_by_the_services(
    emre, stored, tmp_path, monkeypatch
):
    path = tmp_path / "customers.csv"
    path.write_text("id,name,tags\nE1,Emre,Staff\nE2,Ayşe,Brand new tag\n", encoding="utf-8")
    fast = imported(path, emre, monkeypatch, reference=False)
    reference = imported(path, emre, monkeypatch, reference=True)
    assert fast == reference
    (reject,) = fast[0][1]
    assert reject[:2] == (3, "tags")
