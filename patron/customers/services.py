"""Business actions on customers. Every write goes through here, from the UI, the API,
the CLI and jobs alike: permissions are checked and the audit trail written in one place."""

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.accounts.permissions import allowed, require
from patron.actors import as_actor
from patron.customers.audit import Action, audit_record
from patron.customers.consents import consents_refresh
from patron.customers.contact_kinds import KINDS, NUMBER_KINDS, contact_point
from patron.customers.folding import fold
from patron.customers.identity import find_existing
from patron.customers.models import (
    CHAT_KINDS,
    Channel,
    ConsentEvent,
    ContactKind,
    Customer,
    ExternalId,
    Gender,
    Purpose,
    Tag,
    tag_key,
)
from patron.customers.phones import national_digits, normalise_phone
from patron.imports.limits import attributes_problem
from patron.workspace.clock import business_today
from patron.workspace.regions import validate_country, validate_time_zone
from patron.workspace.services import get_workspace

# Where the family name comes first when a display name is built from the parts.
FAMILY_NAME_FIRST = {"VN", "CN", "JP", "KR", "HU"}
PROFILE_FIELDS = [
    "display_name",
    "given_name",
    "family_name",
    "country",
    "locale",
    "time_zone",
    "birthday",
    "gender",
    "attributes",
]
MAX_LENGTHS = {"display_name": 200, "given_name": 100, "family_name": 100}
GENDERS = frozenset(Gender.values)


@dataclass
class CustomerData:
    """What a person may say about a customer. `None` on update means "leave as it is"; an
    empty value ("" for a text or the birthday, [] or {}) clears the field.

    ``contact_points``: (kind, value) pairs, the customer's contact points of every kind (a kind
    not among them is cleared); ``emails`` and ``phones``, when given too, come first among
    their kind. The first of each kind is the primary one.
    """

    display_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    country: str | None = None
    locale: str | None = None
    time_zone: str | None = None
    birthday: date | str | None = None
    gender: str | None = None
    attributes: dict | None = None
    tags: list[str] | None = None
    owner: str | None = None  # the owner's user name; "" for none
    emails: list[str] | None = None
    phones: list[str] | None = None
    external_ids: list[tuple[str, str]] | None = field(default=None)
    contact_points: list[tuple[str, str]] | None = None


def _clean_profile(data, errors, today=None):
    cleaned = {}
    for name, limit in MAX_LENGTHS.items():
        value = getattr(data, name)
        if value is not None:
            value = " ".join(str(value).split())
            if len(value) > limit:
                errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
            cleaned[name] = value
    if data.country is not None:
        try:
            cleaned["country"] = validate_country(data.country) if data.country.strip() else ""
        except ValidationError as exc:
            errors["country"] = exc.messages
    if data.locale is not None:
        cleaned["locale"] = data.locale.strip()
        if len(cleaned["locale"]) > 10:
            errors["locale"] = [_("Use a language code such as th or vi-VN.")]
    if data.time_zone is not None:
        try:
            cleaned["time_zone"] = validate_time_zone(data.time_zone) if data.time_zone else ""
        except ValidationError as exc:
            errors["time_zone"] = exc.messages
    if data.birthday == "":
        cleaned["birthday"] = None
    elif data.birthday is not None:
        if not isinstance(data.birthday, date) or isinstance(data.birthday, datetime):
            errors["birthday"] = [_("Give the birthday as a date.")]
        elif data.birthday > (today or business_today()) or data.birthday.year < 1900:
            errors["birthday"] = [_("A birthday cannot be in the future or before 1900.")]
        else:
            cleaned["birthday"] = data.birthday
    if data.gender is not None:
        if data.gender and data.gender not in GENDERS:
            errors["gender"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Gender.values)}]
        cleaned["gender"] = data.gender
    if data.attributes is not None:
        if not isinstance(data.attributes, dict):
            errors["attributes"] = [_("Attributes must be a JSON object.")]
        elif problem := attributes_problem(data.attributes):
            errors["attributes"] = [problem]
        cleaned["attributes"] = data.attributes
    if data.owner is not None:
        try:
            cleaned["owner_id"] = owner_id(data.owner)
        except ValidationError as exc:
            errors["owner"] = exc.messages
    return cleaned


def owner_id(username):
    """The id of the active user named ``username`` ("": None, no owner), or ValidationError."""
    username = (username or "").strip()
    if not username:
        return None
    field = get_user_model().USERNAME_FIELD
    found = (
        get_user_model().objects.filter(**{field: username, "is_active": True}).values_list("pk", flat=True)
    )
    if not found:
        raise ValidationError(
            _("There is no active member of staff named %(name)s to own this customer.") % {"name": username}
        )
    return found[0]


def _clean_points(data, region, errors):
    """{kind: [(value, normalised, match key)]} for each kind ``data`` sets (see CustomerData),
    in order, a repeat of a normalised form dropped; each bad value's error at its path. A
    contact point may come as (kind, value, primary): the primary one goes first of its kind."""
    given = {}
    if data.contact_points is not None:
        given = {kind: [] for kind in KINDS}
        for index, item in enumerate(data.contact_points):
            path = f"contact_points.{index}"
            try:
                kind, raw, *primary = item
            except (TypeError, ValueError):
                errors[path] = [_("Give each contact point as a kind and a value.")]
                continue
            if kind not in given:
                errors[path] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(KINDS)}]
                continue
            if primary and primary[0]:
                if any(first for *_place, first in given[kind]):
                    errors[path] = [_("Only one contact point of each kind can be the primary one.")]
                    continue
                given[kind].insert(0, ("contact_points", index, raw, True))
            else:
                given[kind].append(("contact_points", index, raw, False))
    for kind, values, name in (
        (ContactKind.EMAIL, data.emails, "emails"),
        (ContactKind.PHONE, data.phones, "phones"),
    ):
        if values is not None:
            given[kind] = [(name, i, raw, False) for i, raw in enumerate(values)] + given.get(kind, [])
    points = {}
    for kind, entries in given.items():
        cleaned, seen = [], set()
        for name, index, raw, _primary in entries:
            try:
                point = contact_point(kind, raw, region)
            except ValidationError as exc:
                errors[f"{name}.{index}"] = exc.messages
                continue
            if point[1] not in seen:
                seen.add(point[1])
                cleaned.append(point)
        points[kind] = cleaned
    return points


def tag_name(raw):
    """A tag's name as it is kept: spaces collapsed, 1 to 50 characters (ValidationError else)."""
    name = " ".join((raw or "").split())
    if not name or len(name) > 50:
        raise ValidationError(_("A tag has 1 to 50 characters."))
    return name


def _clean_tags(tags, by, known_tags, errors):
    """Tag names as kept. Any role that edits customers applies the shop's tags; making a new
    tag needs customers.add_tag (Admin and Marketer), so the tag list stays the shop's own
    vocabulary rather than whatever a form, file or API call happens to spell.
    ``known_tags(names)`` says which of the names are tags already."""
    named, keys = {}, set()
    for index, raw in enumerate(tags):
        try:
            name = tag_name(raw)
        except ValidationError as exc:
            errors[f"tags.{index}"] = exc.messages
            continue
        if tag_key(name) not in keys:  # "VIP" and "vip" are one tag: the first spelling stays
            keys.add(tag_key(name))
            named[name] = index
    if named and not allowed(by, "customers.add_tag"):
        known = {tag_key(name) for name in known_tags(named)}
        for name in [name for name in named if tag_key(name) not in known]:
            errors[f"tags.{named.pop(name)}"] = [
                _("There is no tag %(name)s, and your role may not add tags: choose an existing tag.")
                % {"name": name}
            ]
    return list(named)


def _known_tags(names):
    """The names among ``names`` that are tags already, in any case."""
    keys = set(Tag.objects.named(names).values_list("key", flat=True))
    return {name for name in names if tag_key(name) in keys}


def tags_named(names):
    """The tags of these names, found whatever the case (an existing tag keeps its spelling) or
    made; in the order of ``names``."""
    tags = []
    for name in names:
        tag, _made = Tag.objects.get_or_create(key=tag_key(name), defaults={"name": name})
        tags.append(tag)
    return tags


def _clean_external_ids(pairs, taken, errors):
    cleaned = []
    for index, pair in enumerate(pairs):
        try:
            source, value = (str(part).strip() for part in pair)
        except (TypeError, ValueError):
            errors[f"external_ids.{index}"] = [_("Give each external ID as a source and a value.")]
            continue
        if not source or not value or len(source) > 50 or len(value) > 100:
            errors[f"external_ids.{index}"] = [_("An external ID needs a source and a value.")]
            continue
        if taken(source, value):
            errors[f"external_ids.{index}"] = [
                _("%(source)s ID %(value)s already belongs to another customer.")
                % {"source": source, "value": value}
            ]
            continue
        if (source, value) not in cleaned:
            cleaned.append((source, value))
    return cleaned


def build_display_name(given_name, family_name, country):
    parts = [family_name, given_name] if country in FAMILY_NAME_FIRST else [given_name, family_name]
    return " ".join(part for part in parts if part)


def search_text_for(*, names, emails, phones_e164, chat_ids=()):
    """What search looks in: folded names, case-folded e-mails and chat ids, phone digits (of
    phones and WhatsApp numbers) in E.164 and national form."""
    parts = [fold(name) for name in names]
    parts += [email.casefold() for email in emails]
    for e164 in phones_e164:
        parts += [e164.lstrip("+"), national_digits(e164)]
    parts += [chat_id.casefold() for chat_id in chat_ids]
    return " | ".join(part for part in parts if part)


def search_text_of(customer):
    """search_text_for a customer's names and contact points."""
    emails, numbers, chat_ids = [], [], []
    for point in customer.contact_points.all():
        if point.kind == ContactKind.EMAIL:
            emails.append(point.normalised)
        elif point.kind in NUMBER_KINDS:
            numbers.append(point.normalised)
        else:
            chat_ids.append(point.normalised)
    return search_text_for(
        names=[customer.display_name, customer.given_name, customer.family_name],
        emails=emails,
        phones_e164=numbers,
        chat_ids=chat_ids,
    )


def refresh_search_text(customer):
    customer.search_text = search_text_of(customer)
    Customer.objects.filter(pk=customer.pk).update(search_text=customer.search_text)


def customer_snapshot(customer):
    """The customer's profile and identities as the audit trail records them."""
    state = {name: getattr(customer, name) for name in PROFILE_FIELDS}
    state["birthday"] = customer.birthday.isoformat() if customer.birthday else None
    if hasattr(customer, "owner_id"):  # a customer row (the import's in-memory ones have none)
        state["owner"] = customer.owner.get_username() if customer.owner_id else None
    if customer.pk:
        # Each kind's values in order, under its own key (phones in E.164; the others as entered).
        kinds = {kind: [] for kind in KINDS}
        for point in customer.contact_points.all():
            kinds[point.kind].append(point.normalised if point.kind == ContactKind.PHONE else point.value)
        state["emails"], state["phones"] = kinds.pop(ContactKind.EMAIL), kinds.pop(ContactKind.PHONE)
        state |= kinds
        state["tags"] = sorted(t.name for t in customer.tags.all())
        state["external_ids"] = sorted(f"{x.source}:{x.value}" for x in customer.external_ids.all())
    return state


def snapshot_changes(before, after):
    """{field: [old, new]} for what changed; fields left empty on creation are not listed."""
    return {
        key: [before.get(key), after[key]]
        for key in after
        if before.get(key) != after[key] and (key in before or after[key] not in (None, "", [], {}))
    }


def _validate(data, customer, by):
    def taken(source, value):
        found = ExternalId.objects.filter(source=source, value=value)
        return (found if customer is None else found.exclude(customer=customer)).exists()

    return validate_data(
        data, by=by, country=customer.country if customer else "", taken=taken, known_tags=_known_tags
    )


def validate_data(data, *, by, country, taken, known_tags, workspace_country=None, today=None):
    """(cleaned profile, contact points, tags, external ids, errors) of ``data``, nothing written;
    contact points as {kind: [(value, normalised, match key)]} for the kinds ``data`` sets.

    ``country``: the customer's ("" for a new one), for local phone numbers when ``data`` names
    none, else the workspace's; ``taken(source, value)``: whether that external ID is another
    customer's; ``known_tags(names)``: which of the names are tags already; ``today``: the date
    a birthday may not be after (the business day's unless given: an import reads it once a
    batch, as it writes the batch at one moment).
    """
    errors = {}
    cleaned = _clean_profile(data, errors, today)
    country = cleaned.get("country", country) or workspace_country or get_workspace().country
    points = _clean_points(data, country, errors)
    tags = _clean_tags(data.tags, by, known_tags, errors) if data.tags is not None else None
    external_ids = (
        _clean_external_ids(data.external_ids, taken, errors) if data.external_ids is not None else None
    )
    return cleaned, points, tags, external_ids, errors


def check_new_name(cleaned, errors):
    """A new customer needs a name."""
    names = [cleaned.get("display_name"), cleaned.get("given_name"), cleaned.get("family_name")]
    if not any(names) and "display_name" not in errors:
        errors["display_name"] = [_("A customer needs a name: a display name, or a given or family name.")]


def check_changed_name(cleaned, customer, errors):
    """A customer whose display name is emptied keeps a given or family name."""
    if "display_name" in cleaned and not cleaned["display_name"]:
        given = cleaned.get("given_name", customer.given_name)
        family = cleaned.get("family_name", customer.family_name)
        if not (given or family):
            errors["display_name"] = [
                _("A customer needs a name: a display name, or a given or family name.")
            ]


def _apply(customer, cleaned, points, tags, external_ids):
    for name, value in cleaned.items():
        setattr(customer, name, value)
    if not customer.display_name:
        customer.display_name = build_display_name(
            customer.given_name, customer.family_name, customer.country
        )
    customer.save()
    for kind, wanted in points.items():
        _keep_rows(customer, kind, wanted)
    if tags is not None:
        customer.tags.set(tags_named(tags))
    if external_ids is not None:
        keep = set(external_ids)
        for existing in customer.external_ids.all():
            if (existing.source, existing.value) not in keep:
                existing.delete()
        have = {(x.source, x.value) for x in customer.external_ids.all()}
        ExternalId.objects.bulk_create(
            ExternalId(customer=customer, source=s, value=v) for s, v in external_ids if (s, v) not in have
        )
    refresh_search_text(customer)


def _keep_rows(customer, kind, wanted):
    """Make the customer's contact points of ``kind`` be ``wanted`` ((value, normalised, match
    key), the first one primary), unique by normalised form: rows that stay are updated in
    place, keeping their ids, history and verification; the others are deleted, new ones added.
    A primary is given up before another is set, so that at no moment does the customer hold
    two of one kind."""
    related = customer.contact_points.filter(kind=kind)
    rows = {row.normalised: row for row in related}
    keep = {normalised for _value, normalised, _key in wanted}
    related.filter(pk__in=[row.pk for k, row in rows.items() if k not in keep]).delete()
    related.filter(is_primary=True).exclude(normalised=wanted[0][1] if wanted else None).update(
        is_primary=False
    )
    for i, (value, normalised, key) in enumerate(wanted):
        row = rows.get(normalised)
        value = kept_value(kind, value, normalised, row.value if row else None)
        values = {"value": value, "match_key": key, "is_primary": i == 0}
        if row is None:
            customer.contact_points.create(kind=kind, normalised=normalised, **values)
        elif any(getattr(row, name) != new for name, new in values.items()):
            related.filter(pk=row.pk).update(**values)


def kept_value(kind, value, normalised, was):
    """The value a kept contact point keeps: a number given again in its E.164 form alone (as
    the API answers phones, as a match restates them) leaves it as it was entered."""
    if was is not None and value == normalised and kind in NUMBER_KINDS:
        return was
    return value


def customer_create(*, data, by):
    require(by, "customers.add_customer")
    cleaned, points, tags, external_ids, errors = _validate(data, None, by)
    check_new_name(cleaned, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        customer = Customer()
        _apply(customer, cleaned, points, tags or [], external_ids or [])
        audit_record(
            customer=customer,
            actor=by,
            action=Action.CREATE,
            changes=snapshot_changes({}, customer_snapshot(customer)),
        )
    return customer


def customer_update(*, customer, data, by):
    require(by, "customers.change_customer", customer=customer)
    if customer.merged_into_id:
        raise ValidationError(_("This customer was merged into another one and cannot be changed."))
    if customer.erased_at:
        raise ValidationError(_("This person's data was erased."))
    cleaned, points, tags, external_ids, errors = _validate(data, customer, by)
    check_changed_name(cleaned, customer, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        before = customer_snapshot(customer)
        _apply(customer, cleaned, points, tags, external_ids)
        changes = snapshot_changes(before, customer_snapshot(customer))
        if changes:
            audit_record(customer=customer, actor=by, action=Action.UPDATE, changes=changes)
    return customer


def consent_record(*, customer, channel, purpose, granted, source, by, occurred_at=None, note=""):
    """Record a grant or withdrawal. The latest by `occurred_at` is the one in force. ``by``:
    staff, the system, or the customer on their own record (patron.actors)."""
    require(by, "customers.add_consentevent", customer=customer)
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Channel.values)}]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Purpose.values)}]
    if not isinstance(granted, bool):
        errors["granted"] = [_("Say whether consent is granted (true) or withdrawn (false).")]
    source = (source or "").strip()
    if not source or len(source) > 100:
        errors["source"] = [
            _("Say where this consent came from (a form, a call, a shop), in 1 to 100 characters.")
        ]
    if len(note or "") > 500:
        errors["note"] = [_("At most %(limit)d characters.") % {"limit": 500}]
    occurred_at = occurred_at or timezone.now()
    if timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("Give the time with its time zone.")]
    elif occurred_at > timezone.now() + settings.PATRON_CLOCK_SKEW:
        errors["occurred_at"] = [_("Consent cannot be recorded for a future time.")]
    if customer.merged_into_id:
        errors["customer"] = [_("This customer was merged into another one.")]
    if customer.erased_at:
        errors["customer"] = [_("This person's data was erased.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        event = ConsentEvent.objects.create(
            customer=customer,
            channel=channel,
            purpose=purpose,
            granted=granted,
            occurred_at=occurred_at,
            source=source,
            note=note or "",
            **as_actor(by).columns("recorded_by"),
        )
        consents_refresh(customer, keys=[(channel, purpose)])
        audit_record(
            customer=customer,
            actor=by,
            action=Action.CONSENT,
            changes={
                "channel": channel,
                "purpose": purpose,
                "granted": granted,
                "source": source,
                "occurred_at": occurred_at.isoformat(),
            },
        )
    return event


def customer_create_or_attach(*, data, by):
    """Create a customer, unless one already holds the same external id, e-mail, phone or chat
    id: then the new details are added to that customer (new identities and tags added, empty
    profile fields filled, nothing overwritten). Returns (customer, matched_on or None)."""
    require(by, "customers.add_customer")
    region = (data.country or "").strip().upper() or get_workspace().country
    phones, points = [], []
    for raw in data.phones or []:
        with contextlib.suppress(ValidationError):  # customer_create reports it, with its field path
            phones.append(normalise_phone(raw, region))
    for pair in data.contact_points or []:
        with contextlib.suppress(ValidationError, TypeError, ValueError):  # reported the same way
            kind, raw, *_primary = pair
            points.append((kind, contact_point(kind, raw, region)[2]))
    existing, matched_on = find_existing(
        external_ids=[tuple(pair) for pair in data.external_ids or []],
        emails=list(data.emails or []) + [key for kind, key in points if kind == ContactKind.EMAIL],
        phones_e164=phones + [key for kind, key in points if kind == ContactKind.PHONE],
        chat_keys=[(kind, key) for kind, key in points if kind in CHAT_KINDS],
    )
    if existing is None:
        return customer_create(data=data, by=by), None
    return customer_update(customer=existing, data=attached_data(existing, data), by=by), matched_on


def attached_data(customer, data):
    """What `data` adds to `customer`: its own values kept, the new ones appended (the
    cleaning steps drop repeats), empty profile fields filled."""
    points = list(customer.contact_points.all())
    attached = CustomerData(
        emails=[p.value for p in points if p.kind == ContactKind.EMAIL] + list(data.emails or []),
        phones=[p.normalised for p in points if p.kind == ContactKind.PHONE] + list(data.phones or []),
        tags=[t.name for t in customer.tags.all()] + list(data.tags or []),
        external_ids=[(x.source, x.value) for x in customer.external_ids.all()]
        + list(data.external_ids or []),
        attributes={**(data.attributes or {}), **customer.attributes},
    )
    if data.contact_points is not None:
        # The customer's own stay primary: what is attached only adds.
        own = [(p.kind, p.value) for p in points if p.kind in CHAT_KINDS]
        attached.contact_points = own + [tuple(item)[:2] for item in data.contact_points]
    for name in PROFILE_FIELDS:
        if name != "attributes" and not getattr(customer, name) and getattr(data, name):
            setattr(attached, name, getattr(data, name))
    if data.owner and not customer.owner_id:
        attached.owner = data.owner
    return attached
