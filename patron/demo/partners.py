"""The demo shop's other relationships: a few organisations of every kind, their people, contacts."""

from datetime import UTC, datetime

from patron.customers.folding import fold
from patron.demo.draw import Choice
from patron.demo.orders import DAY, HORIZON_DAYS
from patron.demo.people import People
from patron.interactions.models import Interaction
from patron.organisations.models import Organisation, OrganisationContact

PARTNER_CHANNELS = Choice({"email": 0.35, "phone": 0.3, "in_person": 0.25, "chat": 0.1})


def write_partners(*, profile, rng, now, staff_ids):
    """Two or three organisations of each kind (skipping names already there), 1-3 contacts each,
    and a few interactions with each. Returns counts of what was written."""
    people = People(profile, rng)
    now_epoch = int(now.timestamp())
    existing = set(Organisation.objects.values_list("name", flat=True))
    organisations, contacts, interactions = [], [], []
    for kind in Organisation.Kind.values:
        options = profile.organisations[kind]
        wanted = 2 if rng.random() < 0.5 else 3
        for position in rng.permutation(len(options))[:wanted]:
            name, domain = options[position]
            if name in existing:
                continue
            organisation = Organisation(
                name=name,
                search_name=fold(name),
                kind=kind,
                country=profile.country,
                website=f"https://www.{domain}" if domain else "",
                owner_id=_staff(rng, staff_ids),
            )
            organisations.append(organisation)
            people_here = []
            for _ in range(int(rng.integers(1, 4))):
                person = people.name(people.gender())
                people_here.append(
                    OrganisationContact(
                        organisation=organisation,
                        name=person.display,
                        role=profile.contact_roles[int(rng.integers(len(profile.contact_roles)))],
                        email=people.email(person, work_domain=domain or None),
                        phone=people.phone()[0],
                    )
                )
            contacts += people_here
            for _ in range(int(rng.integers(2, 6))):
                contact = people_here[int(rng.integers(len(people_here)))]
                direction = Interaction.Direction.values[int(rng.integers(2))]
                interactions.append(
                    Interaction(
                        organisation=organisation,
                        contact=contact if rng.random() < 0.8 else None,
                        channel=PARTNER_CHANNELS.one(rng),
                        direction=direction,
                        subject=profile.partner_subjects[int(rng.integers(len(profile.partner_subjects)))],
                        occurred_at=datetime.fromtimestamp(
                            now_epoch - 60 - int(rng.random() * HORIZON_DAYS * DAY), tz=UTC
                        ),
                        staff_id=_staff(rng, staff_ids),
                    )
                )
    Organisation.objects.bulk_create(organisations)
    OrganisationContact.objects.bulk_create(contacts)
    Interaction.objects.bulk_create(interactions)
    return {"organisations": len(organisations), "contacts": len(contacts), "interactions": len(interactions)}


def _staff(rng, staff_ids):
    if staff_ids and rng.random() < 0.7:
        return staff_ids[int(rng.integers(len(staff_ids)))]
    return None
