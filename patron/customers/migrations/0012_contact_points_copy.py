"""Every e-mail and phone row copied into contact points, in batches of BATCH rows read by id
(keyset), with the historical models, on SQLite and PostgreSQL alike.

E-mail: value the address, normalised and match key as stored (the match key made again by
the Gmail rule where an old row has none). Phone: value the number as entered (its E.164 form
when none was kept), normalised and match key the E.164 form. The customer and the primary
flag stay. Undone by copying e-mails and phones back; refused while chat ids exist, which the
old tables cannot hold.
"""

from django.db import migrations

BATCH = 10_000
DOTLESS_PROVIDERS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
OLD_RAW_LENGTH = 50  # CustomerPhone.raw


def _email_match_key(address):
    """identity.email_match_key as it was when this migration was written."""
    local, _at, domain = address.strip().casefold().rpartition("@")
    if domain in DOTLESS_PROVIDERS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = DOTLESS_PROVIDERS[domain]
    return f"{local}@{domain}"


def _batches(queryset, names):
    """values_list(*names) of the rows, BATCH at a time, in id order ("id" first in names)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list(*names)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def copy_forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    ContactPoint = apps.get_model("customers", "ContactPoint")
    emails = apps.get_model("customers", "CustomerEmail").objects.using(db)
    phones = apps.get_model("customers", "CustomerPhone").objects.using(db)
    points = ContactPoint.objects.using(db)
    for rows in _batches(emails, ["id", "customer_id", "address", "normalised", "match_key", "is_primary"]):
        points.bulk_create(
            ContactPoint(
                customer_id=customer,
                kind="email",
                value=address,
                normalised=normalised,
                match_key=match_key or _email_match_key(address),
                is_primary=primary,
            )
            for _id, customer, address, normalised, match_key, primary in rows
        )
    for rows in _batches(phones, ["id", "customer_id", "e164", "raw", "is_primary"]):
        points.bulk_create(
            ContactPoint(
                customer_id=customer,
                kind="phone",
                value=raw.strip() or e164,
                normalised=e164,
                match_key=e164,
                is_primary=primary,
            )
            for _id, customer, e164, raw, primary in rows
        )


def copy_backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    CustomerEmail = apps.get_model("customers", "CustomerEmail")
    CustomerPhone = apps.get_model("customers", "CustomerPhone")
    points = apps.get_model("customers", "ContactPoint").objects.using(db)
    others = points.exclude(kind__in=["email", "phone"]).count()
    if others:
        raise RuntimeError(
            f"{others} contact points are chat ids (LINE, Zalo, Viber, WhatsApp), which the e-mail "
            "and phone tables cannot hold: delete them first if they may be lost."
        )
    names = ["id", "customer_id", "value", "normalised", "match_key", "is_primary"]
    for rows in _batches(points.filter(kind="email"), names):
        CustomerEmail.objects.using(db).bulk_create(
            CustomerEmail(
                customer_id=customer, address=value, normalised=normalised, match_key=key, is_primary=primary
            )
            for _id, customer, value, normalised, key, primary in rows
        )
    for rows in _batches(points.filter(kind="phone"), names):
        CustomerPhone.objects.using(db).bulk_create(
            CustomerPhone(
                customer_id=customer,
                e164=normalised,
                # A number as entered longer than the old column is kept as its E.164 form.
                raw=value if len(value) <= OLD_RAW_LENGTH else normalised,
                is_primary=primary,
            )
            for _id, customer, value, normalised, _key, primary in rows
        )
    points.delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_contact_points")]

    operations = [migrations.RunPython(copy_forwards, copy_backwards)]
