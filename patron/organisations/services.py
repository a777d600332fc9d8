from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from patron.accounts.permissions import require
from patron.customers.folding import fold
from patron.customers.phones import normalise_phone
from patron.organisations.models import Organisation, OrganisationContact
from patron.workspace.regions import validate_country
from patron.workspace.services import get_workspace

ORGANISATION_FIELDS = ["name", "kind", "country", "website", "owner_id", "notes"]


def _clean_organisation(values, errors):
    cleaned = {}
    if "name" in values:
        cleaned["name"] = " ".join((values["name"] or "").split())
        if not cleaned["name"] or len(cleaned["name"]) > 200:
            errors["name"] = [_("An organisation needs a name of 1 to 200 characters.")]
        cleaned["search_name"] = fold(cleaned["name"])
    if "kind" in values:
        cleaned["kind"] = values["kind"]
        if values["kind"] not in Organisation.Kind.values:
            errors["kind"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(Organisation.Kind.values)}
            ]
    if "country" in values:
        try:
            cleaned["country"] = validate_country(values["country"]) if values["country"] else ""
        except ValidationError as exc:
            errors["country"] = exc.messages
    if "website" in values:
        cleaned["website"] = (values["website"] or "").strip()
        if cleaned["website"]:
            try:
                URLValidator(schemes=["http", "https"])(cleaned["website"])
            except ValidationError:
                errors["website"] = [_("Give the website as a full address, such as https://example.com.")]
    if "owner_id" in values:
        cleaned["owner_id"] = values["owner_id"]
        if (
            values["owner_id"] is not None
            and not get_user_model().objects.filter(pk=values["owner_id"], is_active=True).exists()
        ):
            errors["owner_id"] = [_("The owner must be an active member of staff.")]
    if "notes" in values:
        cleaned["notes"] = values["notes"] or ""
    return cleaned


def organisation_create(*, by, **values):
    require(by, "organisations.add_organisation")
    errors = {}
    for required in ("name", "kind"):
        values.setdefault(required, "")
    cleaned = _clean_organisation(values, errors)
    if errors:
        raise ValidationError(errors)
    return Organisation.objects.create(**cleaned)


def organisation_update(*, organisation, by, **values):
    require(by, "organisations.change_organisation")
    errors = {}
    cleaned = _clean_organisation(values, errors)
    if errors:
        raise ValidationError(errors)
    for name, value in cleaned.items():
        setattr(organisation, name, value)
    organisation.save()
    return organisation


def contact_create(*, organisation, name, role="", email="", phone="", by):
    require(by, "organisations.add_organisationcontact")
    errors = {}
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        errors["name"] = [_("A contact needs a name of 1 to 200 characters.")]
    if len(role or "") > 100:
        errors["role"] = [_("At most %(limit)d characters.") % {"limit": 100}]
    if email:
        try:
            validate_email(email.strip())
        except ValidationError:
            errors["email"] = [_("%(value)s is not an e-mail address.") % {"value": email}]
    e164 = ""
    if phone:
        try:
            e164 = normalise_phone(phone, organisation.country or get_workspace().country)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return OrganisationContact.objects.create(
            organisation=organisation,
            name=name,
            role=(role or "").strip(),
            email=(email or "").strip(),
            phone=e164,
        )
