"""A seeded set of made-up customers with known duplicates, to measure the duplicate finder.

Originals are drawn by the demo's people generator (`patron.demo.people`) for Thai, Vietnamese,
Turkish and Filipino shops (TH 40 %, VN 25 %, TR 20 %, PH 15 %), so names are as common as in
those countries: Nguyễn is 38 % of Vietnamese surnames and many distinct people are called
"Nguyễn Văn Minh". Everyone has a phone, 75 % an e-mail address, 70 % a birthday, 60 % an
address. A tenth of the originals live in a household with one or two others (a spouse, a
grown child): same address, usually the same family name (Vietnamese wives keep their own),
and in a third of households a shared landline as a second phone.

A tenth of the originals are typed in again (a fifth of those twice). Each field of a copy
changes on its own: the name in 70 % of copies (a typo, given and family name swapped,
accents dropped, capitals, a Thai name in its Latin spelling, a middle or second given name
left out), the phone in 55 % (local form "0812345678", read with another country's code, a
one-digit typo, missing, a new number), the e-mail in 60 % (the same local part at another
provider, capitals, missing, a new address), the birthday in 45 % (missing, day and month
swapped), the address in 60 % (missing, abbreviated). Every copy still shares with each
other record of its person a phone (give or take a digit), an e-mail local part or a
birthday: a copy sharing nothing but a name is not a duplicate anyone could find. An
address at another provider is never one that someone else has.
"""

import datetime
from dataclasses import dataclass, replace

import numpy as np
from anyascii import anyascii
from rapidfuzz.distance import Hamming

from patron.demo.draw import Choice
from patron.demo.people import People
from patron.demo.shops import SHOPS
from patron.duplicates.features import email_parts, phone_key, swapped_birthday
from patron.duplicates.finder import Person

COUNTRIES = {"TH": 0.40, "VN": 0.25, "TR": 0.20, "PH": 0.15}
CALLING_CODES = {"TH": "66", "VN": "84", "TR": "90", "PH": "63"}
TODAY = datetime.date(2026, 1, 1)

STREETS = {
    "TH": (
        "Sukhumvit Road",
        "Ratchadaphisek Road",
        "Phahonyothin Road",
        "Charoen Krung Road",
        "Rama IV Road",
        "Lat Phrao Road",
        "Ramkhamhaeng Road",
        "Phetchaburi Road",
        "Nimmanhaemin Road",
        "Chang Khlan Road",
    ),
    "VN": (
        "Nguyễn Huệ",
        "Lê Lợi",
        "Trần Hưng Đạo",
        "Hai Bà Trưng",
        "Điện Biên Phủ",
        "Cách Mạng Tháng Tám",
        "Lý Thường Kiệt",
        "Phan Đình Phùng",
        "Võ Văn Tần",
        "Nam Kỳ Khởi Nghĩa",
    ),
    "TR": (
        "Atatürk Caddesi",
        "Cumhuriyet Caddesi",
        "İstiklal Caddesi",
        "Gazi Sokak",
        "Barış Sokak",
        "Menekşe Sokak",
        "Bağdat Caddesi",
        "Fevzi Çakmak Caddesi",
        "Gül Sokak",
        "Lale Sokak",
    ),
    "PH": (
        "Rizal Street",
        "Mabini Street",
        "Bonifacio Avenue",
        "Quezon Avenue",
        "Aguinaldo Street",
        "Luna Street",
        "Del Pilar Street",
        "Burgos Street",
        "Roxas Boulevard",
        "Taft Avenue",
    ),
}
CITIES = {
    "TH": ("Bangkok 10110", "Bangkok 10400", "Chiang Mai 50200", "Nonthaburi 11000", "Khon Kaen 40000"),
    "VN": ("Quận 1, TP. Hồ Chí Minh", "Quận 3, TP. Hồ Chí Minh", "Hoàn Kiếm, Hà Nội", "Hải Châu, Đà Nẵng"),
    "TR": (
        "Kadıköy, İstanbul 34710",
        "Çankaya, Ankara 06690",
        "Konak, İzmir 35250",
        "Osmangazi, Bursa 16040",
    ),
    "PH": ("Makati City 1200", "Quezon City 1100", "Cebu City 6000", "Davao City 8000", "Pasig City 1600"),
}
ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Caddesi": "Cad.", "Sokak": "Sk."}

# What a copy does to each field, and how often.
NAME_CHANGES = Choice(
    {"same": 30, "typo": 20, "swap": 15, "plain": 20, "capitals": 5, "romanised": 6, "short": 4}
)
PHONE_CHANGES = Choice({"same": 45, "local": 12, "other_country": 8, "typo": 10, "missing": 15, "new": 10})
EMAIL_CHANGES = Choice({"same": 40, "other_domain": 20, "missing": 25, "new": 10, "capitals": 5})
BIRTHDAY_CHANGES = Choice({"same": 55, "missing": 35, "day_month": 10})
ADDRESS_CHANGES = Choice({"same": 40, "missing": 45, "abbreviated": 15})
CHANGES = (NAME_CHANGES, PHONE_CHANGES, EMAIL_CHANGES, BIRTHDAY_CHANGES, ADDRESS_CHANGES)


@dataclass(frozen=True)
class GeneratedSet:
    people: list[Person]
    duplicate_pairs: set[tuple[int, int]]  # (smaller id, larger id) of every two records of one person


@dataclass(frozen=True)
class _Original:
    person: Person
    latin_given: str  # the Latin spelling of a Thai name, for a copy typed in Latin letters
    latin_family: str


def generate(size, *, seed=20260101, duplicate_share=0.1, household_share=0.1):
    """About `size` people, of whom `duplicate_share` of the originals have one or two copies."""
    rng = np.random.default_rng(seed)
    copies_per_duplicated = 1.2  # one copy, or two for a fifth of them
    originals = _originals(round(size / (1 + duplicate_share * copies_per_duplicated)), rng, household_share)
    taken = {email.casefold() for original in originals for email in original.person.emails}
    records, groups = [], []
    for original in originals:
        group = [original.person]
        if rng.random() < duplicate_share:
            copies = 2 if rng.random() < 0.2 else 1
            for _ in range(copies):
                group.append(_retype(original, group, taken, rng))
                taken.update(email.casefold() for email in group[-1].emails)
        groups.append(group)
        records.extend(group)
    ids = rng.permutation(len(records)) + 1
    renumbered = {id(person): int(new_id) for person, new_id in zip(records, ids, strict=True)}
    people = [replace(person, id=renumbered[id(person)]) for person in records]
    pairs = set()
    for group in groups:
        group_ids = sorted(renumbered[id(person)] for person in group)
        pairs.update((a, b) for i, a in enumerate(group_ids) for b in group_ids[i + 1 :])
    people.sort(key=lambda person: person.id)
    return GeneratedSet(people=people, duplicate_pairs=pairs)


def _originals(count, rng, household_share):
    countries = Choice(COUNTRIES)
    makers = {country: People(SHOPS[country], rng) for country in COUNTRIES}
    originals = []
    while len(originals) < count:
        country = countries.one(rng)
        head, household = _person(makers[country], rng, country), []
        if rng.random() < household_share / 2:
            head, household = _household(head, makers[country], rng)
        originals += [head, *household]
    return originals[:count]


def _person(maker, rng, country, *, family=None, birthday=None):
    gender = maker.gender()
    name = maker.name(gender)
    given, family_name, latin_family = name.given, name.family, name.latin_family
    if family is not None:
        family_name, latin_family = family
    display = f"{family_name} {given}" if country == "VN" else f"{given} {family_name}"
    birthday = birthday or maker.birthday(TODAY)
    name = replace(name, family=family_name, latin_family=latin_family)
    emails = (maker.email(name, birthday),) if rng.random() < 0.75 else ()
    person = Person(
        id=0,
        display_name=display,
        given_name=given,
        family_name=family_name,
        emails=emails,
        phones=(maker.phone()[0],),
        birthday=birthday if rng.random() < 0.7 else None,
        country=country,
        address=_address(rng, country) if rng.random() < 0.6 else "",
    )
    return _Original(person, name.latin_given, latin_family)


def _household(head, maker, rng):
    """The head at home, with a spouse and sometimes a grown child, often of the head's family name."""
    person = head.person
    address = person.address or _address(rng, person.country)
    landline = _landline(rng, person.country) if rng.random() < 1 / 3 else None
    family = (person.family_name, head.latin_family)
    born = person.birthday or maker.birthday(TODAY)
    members = [
        (
            None if person.country == "VN" else family,
            born + datetime.timedelta(days=int(rng.integers(-2500, 2500))),
        )
    ]
    child_born = born + datetime.timedelta(days=int(rng.integers(8000, 13000)))
    if rng.random() < 0.3 and child_born < TODAY.replace(year=TODAY.year - 18):
        members.append((family, child_born))
    household = []
    for member_family, birthday in members:
        member = _person(maker, rng, person.country, family=member_family, birthday=birthday)
        household.append(replace(member, person=_at_home(member.person, address, landline)))
    return replace(head, person=_at_home(person, address, landline)), household


def _at_home(person, address, landline):
    return replace(person, address=address, phones=person.phones + ((landline,) if landline else ()))


def _landline(rng, country):
    digits = "".join(str(d) for d in rng.integers(0, 10, 7))
    return f"+{CALLING_CODES[country]}2{digits}"


def _address(rng, country):
    street = STREETS[country][int(rng.integers(len(STREETS[country])))]
    city = CITIES[country][int(rng.integers(len(CITIES[country])))]
    return f"{int(rng.integers(1, 400))} {street}, {city}"


def _retype(original, group, taken, rng):
    """The original as typed in again somewhere else, still linked to every record of the person.

    An e-mail address at another provider is never one that someone else already has.
    """
    own = {email.casefold() for person in group for email in person.emails}
    while True:
        changes = [choice.one(rng) for choice in CHANGES]
        copy = _retyped(original, *changes, rng)
        fresh = all(email.casefold() in own or email.casefold() not in taken for email in copy.emails)
        if copy != original.person and fresh and all(_linked(copy, other) for other in group):
            return copy


def _retyped(original, name_change, phone_change, email_change, birthday_change, address_change, rng):
    given, family = _renamed(original, name_change, rng)
    person = original.person
    family_first = person.country == "VN" or name_change == "swap"
    return replace(
        person,
        given_name=given,
        family_name=family,
        display_name=f"{family} {given}" if family_first else f"{given} {family}",
        phones=_phones(person, phone_change, rng),
        emails=_emails(person, email_change, rng),
        birthday=_birthday(person.birthday, birthday_change),
        address=_changed_address(person.address, address_change),
    )


def _linked(a, b):
    """Whether two records share a phone (give or take a digit), an e-mail local part or a birthday."""
    phones_a, phones_b = {phone_key(p) for p in a.phones}, {phone_key(p) for p in b.phones}
    close_phone = any(Hamming.distance(x, y) <= 1 for x in phones_a for y in phones_b)
    locals_a = {email_parts(e)[1] for e in a.emails}
    locals_b = {email_parts(e)[1] for e in b.emails}
    birthdays_a = {a.birthday, swapped_birthday(a.birthday)} - {None}
    return close_phone or bool(locals_a & locals_b) or b.birthday in birthdays_a


def _renamed(original, change, rng):
    given, family = original.person.given_name, original.person.family_name
    if change == "typo":
        if rng.random() < 0.5:
            return _typo(given, rng), family
        return given, _typo(family, rng)
    if change == "swap":
        return family, given
    if original.person.country == "TH" and change in ("plain", "capitals", "romanised"):
        # Thai script has no accents or capitals to lose: the copy is in Latin letters.
        given, family = original.latin_given, original.latin_family
        return (given.upper(), family.upper()) if change == "capitals" else (given, family)
    if change in ("plain", "romanised"):
        return anyascii(given), anyascii(family)
    if change == "capitals":
        return given.upper(), family.upper()
    if change == "short" and " " in given:
        return given.split(" ", 1)[1], family
    return given, family


def _typo(word, rng):
    """One slip of the finger: a letter dropped, doubled, swapped with the next or replaced."""
    if len(word) < 3:
        return word
    at = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return word[:at] + word[at + 1 :]
    if kind == 1:
        return word[:at] + word[at] + word[at:]
    if kind == 2:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    letters = "กขคงจชดตนบปมยรลวสห" if "\u0e00" <= word[at] <= "\u0e7f" else "aeiounrstlmkh"
    return word[:at] + letters[int(rng.integers(len(letters)))] + word[at + 1 :]


def _phones(person, change, rng):
    if not person.phones or change == "same":
        return person.phones
    first, rest = person.phones[0], person.phones[1:]
    national = first[1 + len(CALLING_CODES[person.country]) :]
    if change == "local":
        return ("0" + national, *rest)
    if change == "other_country":
        other = [code for country, code in CALLING_CODES.items() if country != person.country]
        return (f"+{other[int(rng.integers(len(other)))]}{national}", *rest)
    if change == "typo":
        at = len(first) - 1 - int(rng.integers(8))
        digit = str((int(first[at]) + int(rng.integers(1, 10))) % 10)
        return (first[:at] + digit + first[at + 1 :], *rest)
    if change == "missing":
        return rest
    new = first[:-8] + "".join(str(d) for d in rng.integers(0, 10, 8))
    return (new, *rest)


def _emails(person, change, rng):
    if not person.emails or change == "same":
        return person.emails
    local, _at, domain = person.emails[0].partition("@")
    if change == "other_domain":
        domains = [d for d in SHOPS[person.country].email_domains if d != domain]
        return (f"{local}@{domains[int(rng.integers(len(domains)))]}",)
    if change == "capitals":
        return (person.emails[0].upper(),)
    if change == "new":
        return (f"{local[:3]}{int(rng.integers(100, 10000))}@{domain}",)
    return ()


def _birthday(birthday, change):
    if change == "missing":
        return None
    if change == "day_month":
        return swapped_birthday(birthday) or birthday
    return birthday


def _changed_address(address, change):
    if not address or change == "same":
        return address
    if change == "abbreviated":
        for word, short in ABBREVIATIONS.items():
            address = address.replace(word, short)
        return address.upper() if "," not in address else address.replace(",", "")
    return ""
