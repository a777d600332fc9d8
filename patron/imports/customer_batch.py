"""One batch of a customer import: worked out in memory by the services' rules, written in bulk.

The customer services write one customer at a time, a dozen queries each: about 100 rows a
second. A batch here does the same work set-wise:

1. one query each finds the customers that the batch's external ids and contact points name
   (following merged records to their survivor, as ``find_existing`` does), and a few more
   read those customers whole, as :class:`Held` customers;
2. each row is then worked out in file order, in memory, by the services' own rules
   (``validate_data``, ``attached_data``, ``customer_snapshot``, ``snapshot_changes``), so a row
   that matches a customer an earlier row of the batch created or changed finds them as the
   services would: the second row with an e-mail attaches to the first;
3. the outcome is written with one bulk statement per table (:mod:`patron.bulk`): new
   customers with their contact points, external ids, tags and "created" audit events; the
   customers that changed updated, their contact points replaced as the services replace
   them, with an audit event for each change as the services write it.

Identity matching keeps ``find_existing``'s order: the external id, else the earliest stored
e-mail (by id) with the same match key, else the earliest phone, else the earliest chat id
(kinds in ContactKind's order). Contact points written in this batch count as later than every
stored one, in the order the services would have stored them.
"""

import pickle
from dataclasses import dataclass, replace
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.accounts.permissions import allowed
from patron.actors import Actor
from patron.bulk import (
    QUERY_CHUNK,
    delete_ids,
    insert,
    json_text,
    moment,
    new_ids,
    rows_with,
)
from patron.bulk import update as update_rows
from patron.customers import audit
from patron.customers.contact_kinds import KINDS, NUMBER_KINDS, match_key_or_raw
from patron.customers.identity import email_match_key
from patron.customers.models import (
    CHAT_KINDS,
    AuditEvent,
    ContactKind,
    ContactPoint,
    Customer,
    ExternalId,
    Tag,
    tag_key,
)
from patron.customers.services import (
    PROFILE_FIELDS,
    CustomerData,
    attached_data,
    build_display_name,
    check_changed_name,
    check_new_name,
    customer_snapshot,
    kept_value,
    search_text_of,
    snapshot_changes,
    tag_name,
    validate_data,
)
from patron.imports.attributes import text
from patron.workspace.clock import business_today

_EMPTY = (None, "", [], {})
LATER = 1 << 62  # sort keys of contact points made in this batch: after every stored one
CUSTOMER_COLUMNS = ("id", *PROFILE_FIELDS, "search_text", "created_at", "updated_at")
CHANGED_COLUMNS = (*PROFILE_FIELDS, "search_text", "updated_at")
POINT_COLUMNS = ("customer_id", "kind", "value", "normalised", "match_key", "is_primary")
ID_COLUMNS = ("customer_id", "source", "value", "created_at")
TagLink = Customer.tags.through
_PROFILE_OF = attrgetter(*PROFILE_FIELDS)
_ATTRIBUTES, _BIRTHDAY = PROFILE_FIELDS.index("attributes"), PROFILE_FIELDS.index("birthday")

# Outcomes of a row: (count as, matched an existing customer by e-mail or phone).
CREATED = ("created", False)
UPDATED = ("updated", False)
UNCHANGED = ("unchanged", False)
ATTACHED = ("updated", True)
FOUND_UNCHANGED = ("unchanged", True)


class CustomerRow:
    """A row read and checked (see ``patron.imports.customers``): what it says of its customer,
    the keys of its contact points to match by, and the customer it makes if the batch finds
    no one to update (``new_customer``).

    ``data`` may come pickled (a forked process read the row), and is unpickled when it is
    needed: to update a customer, which few rows of a first import do.
    """

    __slots__ = ("number", "values", "external_id", "_data", "stated_country", "new", "keys")

    def __init__(self, number, values, external_id, data, stated_country, new=None, keys=None):
        self.number = number
        self.values = values
        self.external_id = external_id
        self._data = data  # CustomerData, or its fields pickled
        self.stated_country = stated_country  # the row's or --country's; None leaves a customer's
        self.new = new
        self.keys = keys or match_keys(data)

    @property
    def data(self) -> CustomerData:
        if isinstance(self._data, bytes):
            self._data = CustomerData(*pickle.loads(self._data))  # noqa: S301 - see packed
        return self._data


_DATA_FIELDS = attrgetter(*CustomerData.__dataclass_fields__)


def packed(data: CustomerData) -> bytes:
    """``data`` pickled, as a CustomerRow takes it from the import's own forked process."""
    return pickle.dumps(_DATA_FIELDS(data), pickle.HIGHEST_PROTOCOL)


def match_keys(data: CustomerData):
    """The match keys of a row's contact points, one tuple per kind in KINDS' order, as the
    batch matches customers by them."""
    emails = tuple(email_match_key(e) for e in data.emails or ())
    phones = tuple(match_key_or_raw(ContactKind.PHONE, p, data.country) for p in data.phones or ())
    if not data.contact_points:
        return (emails, phones, *(() for _kind in CHAT_KINDS))
    keys = {kind: [] for kind in KINDS}
    for kind, raw, *_primary in data.contact_points:
        if kind in keys:
            keys[kind].append(match_key_or_raw(kind, raw, data.country))
    return (
        emails + tuple(keys[KINDS[0]]),
        phones + tuple(keys[KINDS[1]]),
        *(tuple(keys[k]) for k in KINDS[2:]),
    )


class _Related(list):
    """A held customer's contact points, tags or external ids. ``all()`` answers as a related
    manager does, so the services' rules read a held customer as they read a Customer."""

    def all(self):
        return self


@dataclass(slots=True)
class _Point:
    kind: str
    value: str
    normalised: str
    match_key: str
    key: int  # the stored id, or LATER + n for one made in this batch


@dataclass(frozen=True, slots=True)
class _Tag:
    name: str


@dataclass(frozen=True, slots=True)
class _Id:
    source: str
    value: str


class Held:
    """A customer as the services read one: profile fields, then contact points, tags and
    external ids as related lists; either read from the database or new in this batch."""

    def __init__(self, pk, profile, search_text=""):
        self.pk = pk  # a new customer's is provisional (negative) until it is written
        self.merged_into_id = None
        for name in PROFILE_FIELDS:
            setattr(self, name, profile[name])
        self.search_text = search_text
        self.contact_points = _Related()
        self.tags = _Related()
        self.external_ids = _Related()
        self.stored_tags: set[str] = set()
        self.stored_ids: set[tuple[str, str]] = set()
        # {id: (kind, value, normalised, match key, primary)} as read
        self.stored_points: dict[int, tuple] = {}
        self.changed = False
        self.points_replaced = False
        self.row = None  # a new customer's profile fields as written, until a later row changes it


# Whoever imports, for the tag rule, when they may add tags (others' rows take the services'
# way in full): an actor with every permission, never recorded.
_MayAddTags = Actor.system(job="import_customers")


def new_customer(data: CustomerData, *, workspace_country, today) -> tuple | dict:
    """The customer the services would create from ``data``, worked out without the database,
    or the errors ({field: [messages]}) they would refuse it with.

    Good for a row that the batch finds no customer for (then no one holds its external id) and
    imported by someone who may add tags; ``CustomerBatch`` uses it only then. An import works
    this out as it reads a batch, in a forked process (:mod:`.forked`), so the customer comes
    in plain values, quick to pickle: (profile values in PROFILE_FIELDS order, contact points
    as (kind, value, normalised, match key), tag names, external ids as (source, value), search
    text, profile values as written, the "created" event's changes in JSON).
    """
    cleaned, points, tags, external_ids, errors = validate_data(
        data,
        by=_MayAddTags,
        country="",
        taken=lambda _source, _value: False,
        known_tags=None,
        workspace_country=workspace_country,
        today=today,
    )
    check_new_name(cleaned, errors)
    if errors:
        return errors
    held = Held(-1, NEW_PROFILE | {"attributes": {}})
    fill(held, cleaned, points, tags or [], external_ids or [], later=lambda: 0)
    # snapshot_changes({}, snapshot): what the new customer holds, empty fields left out
    snapshot = customer_snapshot(held)
    changes = {key: [None, value] for key, value in snapshot.items() if value not in _EMPTY}
    return (
        _PROFILE_OF(held),
        [(p.kind, p.value, p.normalised, p.match_key) for p in held.contact_points],
        [t.name for t in held.tags],
        [(x.source, x.value) for x in held.external_ids],
        held.search_text,
        tuple(_profile(held)),
        json_text(changes),
    )


def fill(held, cleaned, points, tags, external_ids, *, later):
    """The services' ``_apply``, in memory; ``later()`` gives each new contact point its key."""
    for name, value in cleaned.items():
        setattr(held, name, value)
    if not held.display_name:
        held.display_name = build_display_name(held.given_name, held.family_name, held.country)
    # A contact point the customer keeps keeps its key, so its stored row is updated in place.
    for kind, wanted in points.items():
        was = {point.normalised: point for point in held.contact_points if point.kind == kind}
        kept = [point for point in held.contact_points if point.kind != kind]
        made = []
        for value, normalised, key in wanted:
            old = was.get(normalised)
            value = kept_value(kind, value, normalised, old.value if old else None)
            made.append(_Point(kind, value, normalised, key, old.key if old else later()))
        held.contact_points = _Related(kept + made)
        held.points_replaced = True
    if tags is not None:
        held.tags = _Related(_Tag(name) for name in tags)
    if external_ids is not None:
        keep = set(external_ids)
        kept = [x for x in held.external_ids if (x.source, x.value) in keep]
        have = {(x.source, x.value) for x in kept}
        held.external_ids = _Related(kept + [_Id(s, v) for s, v in external_ids if (s, v) not in have])
    held.search_text = search_text_of(held)


NEW_PROFILE = {
    name: field.get_default() for field in Customer._meta.fields if (name := field.name) in PROFILE_FIELDS
}


def update_for(customer, data: CustomerData, default_region) -> CustomerData | None:
    """What ``data`` changes on ``customer`` (a row of a known external id), or None for nothing.

    Non-empty profile cells overwrite; contact points and tags are added to the customer's own.
    """
    update = CustomerData()
    changed = False
    for name in PROFILE_FIELDS:
        if name == "attributes":
            continue
        value = getattr(data, name)
        if value is not None and value != getattr(customer, name):
            setattr(update, name, value)
            changed = True
    if data.attributes:
        merged = {**customer.attributes, **data.attributes}
        if merged != customer.attributes:
            update.attributes = merged
            changed = True
    points = customer.contact_points.all()
    region = update.country or customer.country or default_region
    if data.emails:
        have = [p.value for p in points if p.kind == ContactKind.EMAIL]
        known = {a.casefold() for a in have}
        new = [a for a in data.emails if a.casefold() not in known]
        if new:
            update.emails = have + new
            changed = True
    if data.phones:
        have = [p.normalised for p in points if p.kind == ContactKind.PHONE]
        new = [raw for raw in data.phones if match_key_or_raw(ContactKind.PHONE, raw, region) not in have]
        if new:
            update.phones = have + new
            changed = True
    if data.contact_points:
        known = {(p.kind, p.match_key) for p in points}
        new = [
            (kind, raw)
            for kind, raw, *_primary in data.contact_points
            if (kind, match_key_or_raw(kind, raw, region)) not in known
        ]
        if new:
            # Every kind is restated (a kind left out would be cleared); numbers in E.164, as
            # attached_data gives them.
            update.contact_points = [(p.kind, _restated(p)) for p in points] + new
            changed = True
    if data.tags:
        have = [t.name for t in customer.tags.all()]
        new = [t for t in data.tags if text(t) not in have]
        if new:
            update.tags = have + new
            changed = True
    return update if changed else None


def _restated(point):
    """A contact point's value as the rules take it again: numbers in E.164, whatever region."""
    return point.normalised if point.kind in NUMBER_KINDS else point.value


class CustomerBatch:
    """Works out and writes one batch of rows; see the module docstring.

    ``outcomes(rows)`` gives, for each row, CREATED, UPDATED, UNCHANGED, ATTACHED or
    FOUND_UNCHANGED, or the ValidationError the services would raise for it; ``write()`` then
    writes the batch (inside the caller's transaction).
    """

    def __init__(self, *, source, by, workspace_country, today=None):
        self.source = source
        self.by = by
        self.workspace_country = workspace_country
        self.held: dict[int, Held] = {}  # stored customers read for this batch, by id
        self.new: list[Held] = []
        self.by_id: dict[str, Held] = {}  # external ids of the source -> customer
        # (kind, match key) -> [(sort key, customer)]
        self.by_point: dict[tuple[str, str], list[tuple[int, Held]]] = {}
        self.events: list[tuple[Held, str, str]] = []  # (customer, action, changes in JSON)
        self.known_tags: set[str] | None = None  # for a role that may not add tags
        self.today = today or business_today()
        self._made = 0

    # -- reading what the batch names

    def outcomes(self, rows: list[CustomerRow]):
        self._load(rows)
        results = []
        for row in rows:
            try:
                results.append(self._outcome(row))
            except ValidationError as error:
                # Without its traceback, whose frames hold this list: no cycle for the
                # garbage collector to find, which keeps the batch alive until it does.
                results.append(error.with_traceback(None))
        return results

    def _load(self, rows):
        values = sorted({row.external_id for row in rows if row.external_id})
        ids = rows_with(ExternalId, "value", values, ["value", "customer_id"], source=self.source)
        points = []
        for i, kind in enumerate(KINDS):
            keys = sorted({key for row in rows for key in row.keys[i]})
            found = rows_with(ContactPoint, "match_key", keys, ["match_key", "pk", "customer_id"], kind=kind)
            points += [(kind, *point) for point in found]
        owners = {row[-1] for row in ids} | {row[-1] for row in points}
        live = _survivors(owners)
        self._read_customers(set(live.values()))
        for value, owner in ids:
            self.by_id[value] = self.held[live[owner]]
        # Identities still on a merged record lead to its survivor; the survivors' own are
        # indexed with the rest of each held customer.
        for kind, key, pk, owner in points:
            if live[owner] != owner:
                self.by_point.setdefault((kind, key), []).append((pk, self.held[live[owner]]))
        if not allowed(self.by, "customers.add_tag"):
            names = set()
            for row in rows:
                for raw in row.data.tags or ():
                    try:
                        names.add(tag_name(raw))
                    except ValidationError:
                        continue
            # Tag keys (customers.models.tag_key): "vip" is the tag VIP, whatever the case.
            self.known_tags = {tag_key(name) for held in self.held.values() for name in held.stored_tags}
            keys = sorted({tag_key(name) for name in names})
            self.known_tags |= {key for (key,) in _found(Tag.objects, "key", keys, "key")}

    def _read_customers(self, pks):
        pks = sorted(pks)
        for pk, *profile, search_text in _found(
            Customer.objects, "pk", pks, "pk", *PROFILE_FIELDS, "search_text"
        ):
            self.held[pk] = Held(pk, dict(zip(PROFILE_FIELDS, profile, strict=True)), search_text)
        points = ContactPoint.objects.order_by("-is_primary", "pk")
        for owner, pk, *stored in _found(
            points,
            "customer_id",
            pks,
            "customer_id",
            "pk",
            "kind",
            "value",
            "normalised",
            "match_key",
            "is_primary",
        ):
            held = self.held[owner]
            held.contact_points.append(_Point(*stored[:4], pk))
            held.stored_points[pk] = tuple(stored)
            self.by_point.setdefault((stored[0], stored[3]), []).append((pk, held))
        for owner, name in _found(TagLink.objects, "customer_id", pks, "customer_id", "tag__name"):
            self.held[owner].tags.append(_Tag(name))
            self.held[owner].stored_tags.add(name)
        for owner, source, value in _found(
            ExternalId.objects, "customer_id", pks, "customer_id", "source", "value"
        ):
            self.held[owner].external_ids.append(_Id(source, value))
            self.held[owner].stored_ids.add((source, value))

    # -- one row, as patron.imports.customers' rules and the services would take it

    def _outcome(self, row: CustomerRow):
        if row.external_id:
            held = self.by_id.get(row.external_id)
            if held is not None:
                data = replace(row.data, country=row.stated_country)
                update = update_for(held, data, self.workspace_country)
                if update is None:
                    return UNCHANGED
                self._update(held, update)
                return UPDATED
            held = self._find(row)
        else:
            # A row known only by e-mail or phone, which a second import of the file meets
            # again: unchanged when it would add nothing to the customer who holds them.
            held = self._find(row)
            if held is not None and update_for(held, row.data, self.workspace_country) is None:
                return FOUND_UNCHANGED
        if held is None:
            self._create(row)
            return CREATED
        self._update(held, attached_data(held, row.data))
        return ATTACHED

    def _find(self, row):
        """The customer holding the earliest of the row's e-mails, else of its phones, else of
        its chat ids (in KINDS' order), or None."""
        for kind, keys in zip(KINDS, row.keys, strict=True):
            if keys:
                found = [entry for key in keys for entry in self.by_point.get((kind, key), ())]
                if found:
                    return min(found, key=lambda entry: entry[0])[1]
        return None

    def _validate(self, data, customer):
        def taken(source, value):
            owner = self.by_id.get(value) if source == self.source else None
            return owner is not None and owner is not customer

        return validate_data(
            data,
            by=self.by,
            country=customer.country if customer else "",
            taken=taken,
            known_tags=lambda names: {name for name in names if tag_key(name) in self.known_tags},
            workspace_country=self.workspace_country,
            today=self.today,
        )

    def _create(self, row):
        if self.known_tags is not None:
            # Someone who may not add tags: the rules again, with the tags that exist.
            cleaned, *_lists, errors = self._validate(row.data, None)
            check_new_name(cleaned, errors)
            if errors:
                raise ValidationError(errors)
        new = row.new or new_customer(row.data, workspace_country=self.workspace_country, today=self.today)
        if isinstance(new, dict):
            raise ValidationError(new)
        profile, points, tags, external_ids, search_text, written, changes = new
        held = Held(-1 - len(self.new), dict(zip(PROFILE_FIELDS, profile, strict=True)), search_text)
        held.contact_points = _Related(_Point(*point, self._later()) for point in points)
        held.tags = _Related(_Tag(name) for name in tags)
        held.external_ids = _Related(_Id(*pair) for pair in external_ids)
        held.points_replaced = True
        held.row = written
        self._index(held, ids=True)
        self.new.append(held)
        self.events.append((held, audit.Action.CREATE, changes))

    def _update(self, held, data):
        cleaned, points, tags, external_ids, errors = self._validate(data, held)
        check_changed_name(cleaned, held, errors)
        if errors:
            raise ValidationError(errors)
        before = customer_snapshot(held)
        self._apply(held, cleaned, points, tags, external_ids)
        held.changed = True
        changes = snapshot_changes(before, customer_snapshot(held))
        if changes:
            self.events.append((held, audit.Action.UPDATE, json_text(changes)))

    def _apply(self, held, cleaned, points, tags, external_ids):
        """The services' ``_apply``, in memory, with the batch's indexes kept up to date."""
        _unindex(
            self.by_point, held, [(p.kind, p.match_key) for p in held.contact_points if p.kind in points]
        )
        fill(held, cleaned, points, tags, external_ids, later=self._later)
        held.row = None
        self._index(held, kinds=set(points), ids=external_ids is not None)

    def _index(self, held, *, kinds=None, ids):
        """Index the held customer's contact points of ``kinds`` (None: all), and its external
        ids if ``ids``, for matching."""
        for point in held.contact_points:
            if kinds is None or point.kind in kinds:
                self.by_point.setdefault((point.kind, point.match_key), []).append((point.key, held))
        if ids:
            for x in held.external_ids:
                if x.source == self.source:
                    self.by_id[x.value] = held

    def _later(self):
        self._made += 1
        return LATER + self._made

    # -- writing

    def write(self):
        """Write what the rows made of the batch's customers; call inside a transaction.

        An import only adds tags and external ids to a customer (its rules keep the ones it
        has), so those of a stored customer are written as additions.
        """
        now = moment(timezone.now())
        for held, pk in zip(self.new, new_ids(Customer, len(self.new)), strict=True):
            held.pk = pk
        insert(
            Customer,
            CUSTOMER_COLUMNS,
            [(h.pk, *(h.row or _profile(h)), h.search_text, now, now) for h in self.new],
        )
        changed = [held for held in self.held.values() if held.changed]
        update_rows(Customer, CHANGED_COLUMNS, [(*_profile(h), h.search_text, now, h.pk) for h in changed])

        _write_points((*self.new, *(h for h in changed if h.points_replaced)))

        touched = (*self.new, *changed)
        ids = [
            (h.pk, x.source, x.value, now)
            for h in touched
            for x in h.external_ids
            if (x.source, x.value) not in h.stored_ids
        ]
        insert(ExternalId, ID_COLUMNS, ids)
        links = [
            (h.pk, t.name)
            for h in touched
            for t in h.tags
            if tag_key(t.name) not in {tag_key(name) for name in h.stored_tags}
        ]
        tag_ids = _tag_ids({name for _pk, name in links})
        insert(TagLink, ("customer_id", "tag_id"), [(pk, tag_ids[name]) for pk, name in links])
        insert(
            AuditEvent,
            audit.COLUMNS,
            [
                audit.audit_row(customer_id=h.pk, actor=self.by, action=action, changes_json=changes, at=now)
                for h, action, changes in self.events
            ],
        )


def _write_points(customers):
    """Write the contact points of ``customers`` as the services' ``_keep_rows`` leaves them:
    rows kept are updated in place (a primary given up before another is set), the others
    deleted, new ones inserted in the order they were made. The first of each kind is primary."""
    gone, changed, made = [], [], []
    for held in customers:
        rows = held.stored_points
        kinds = set()
        for item in held.contact_points:
            values = (item.kind, item.value, item.normalised, item.match_key, item.kind not in kinds)
            kinds.add(item.kind)
            if item.key not in rows:
                made.append((item.key, held.pk, *values))
            elif rows[item.key] != values:
                changed.append((*values, item.key))
        if rows:
            kept = {item.key for item in held.contact_points}
            gone += [pk for pk in rows if pk not in kept]
    delete_ids(ContactPoint, gone)
    update_rows(ContactPoint, POINT_COLUMNS[1:], sorted(changed, key=lambda row: row[-2]))
    insert(ContactPoint, POINT_COLUMNS, [row[1:] for row in sorted(made)])


def _profile(held):
    """A held customer's profile fields as the database takes them."""
    values = list(_PROFILE_OF(held))
    values[_ATTRIBUTES] = json_text(values[_ATTRIBUTES])
    if values[_BIRTHDAY] is not None:
        values[_BIRTHDAY] = values[_BIRTHDAY].isoformat()
    return values


def _unindex(index, held, keys):
    for key in keys:
        index[key] = [entry for entry in index.get(key, ()) if entry[1] is not held]


def _found(queryset, field_name, keys, *names):
    """``values_list(*names)`` of the rows whose ``field_name`` is one of ``keys``, in chunks."""
    rows = []
    for start in range(0, len(keys), QUERY_CHUNK):
        chunk = keys[start : start + QUERY_CHUNK]
        rows += queryset.filter(**{f"{field_name}__in": chunk}).values_list(*names)
    return rows


def _survivors(pks):
    """{customer id: the id of the live customer it leads to} (itself unless merged)."""
    parents = {}
    todo = sorted(pks)
    while todo:
        found = dict(_found(Customer.objects, "pk", todo, "pk", "merged_into_id"))
        parents |= found
        todo = sorted({parent for parent in found.values() if parent is not None and parent not in parents})
    live = {}
    for pk in pks:
        survivor = pk
        while parents[survivor] is not None:
            survivor = parents[survivor]
        live[pk] = survivor
    return live


def _tag_ids(names):
    """{name: tag id} for ``names``, making the tags that do not exist yet; a name is its tag
    whatever the case ("vip" finds VIP; of two spellings new to the shop, the first makes it)."""
    keys = {}
    for name in sorted(names):
        keys.setdefault(tag_key(name), name)
    found = dict(_found(Tag.objects, "key", sorted(keys), "key", "pk"))
    missing = [name for key, name in keys.items() if key not in found]
    if missing:
        Tag.objects.bulk_create(Tag(name=name) for name in missing)
        found |= dict(_found(Tag.objects, "key", sorted(tag_key(name) for name in missing), "key", "pk"))
    return {name: found[tag_key(name)] for name in names}
