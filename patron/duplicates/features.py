"""What the finder compares, worked out once per person: one row per person for DuckDB.

name_key        the name's words sorted ("an nguyen van"; see names.py): exact matches, swaps
name_plain      the same words in written order, for typos that change a word's first letter
name_words      the words as a list, to see that one name holds all the words of another
name_sound      consonant skeletons of the words, sorted and in written order (name_sound_plain),
                to compare Thai script with a Latin spelling
name_thai       whether the name is written in Thai script
phone_keys      last 9 digits of each phone: "+66812345678", "0812345678" and "+84812345678"
                (a Thai number read as Vietnamese) are one number
phone_halves    the first 5 and the last 4 of those digits: a one-digit typo keeps one of them
emails          addresses with the local part folded: case, dots and "+tag" ignored
email_locals    those local parts: the same person at another provider
email_personal  the local parts that are more than the name ("juan1996", "pha4578", not
                "juan.rivera" or "jrivera"): two namesakes often pick the same name-only local part
birthday        ISO date; birthday_swapped the date with day and month exchanged (10/03 - 03/10)
address_key     folded address words ("rd" read as "road"); address_words the same as a set;
                address_number the first word with a digit, the house number as a rule
phone_key, email_local   the person's phone key and local part that most people share, for
                how common the value is (term frequencies, see linkage.py)

Empty values are None, so that "unknown" never counts as "different".
"""

import re
from collections import Counter
from functools import lru_cache

import pyarrow as pa
from anyascii import anyascii

from patron.duplicates.names import is_thai, name_words, sound, spells_name

_DIGITS = re.compile(r"\D")
_ADDRESS_WORD = re.compile(r"[a-z0-9]+")
ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "blvd": "boulevard",
    "cad": "caddesi",
    "cd": "caddesi",
    "sk": "sokak",
    "sok": "sokak",
    "mah": "mahallesi",
    "mh": "mahallesi",
    "brgy": "barangay",
}

SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("name_key", pa.string()),
        ("name_plain", pa.string()),
        ("name_words", pa.list_(pa.string())),
        ("name_sound", pa.string()),
        ("name_sound_plain", pa.string()),
        ("name_thai", pa.bool_()),
        ("phone_keys", pa.list_(pa.string())),
        ("phone_halves", pa.list_(pa.string())),
        ("phone_key", pa.string()),
        ("emails", pa.list_(pa.string())),
        ("email_locals", pa.list_(pa.string())),
        ("email_personal", pa.list_(pa.string())),
        ("email_local", pa.string()),
        ("birthday", pa.string()),
        ("birthday_swapped", pa.string()),
        ("address_key", pa.string()),
        ("address_words", pa.list_(pa.string())),
        ("address_number", pa.string()),
    ]
)


def feature_table(people):
    """The people as a pyarrow table, one row each, with the columns named in the module docstring."""
    rows = [_row(person) for person in people]
    columns = {name: [row[name] for row in rows] for name in rows[0]} if rows else {}
    phone_counts = Counter(key for keys in columns.get("phone_keys", ()) for key in keys or ())
    local_counts = Counter(local for locals_ in columns.get("email_locals", ()) for local in locals_ or ())
    columns["phone_key"] = [_most_shared(keys, phone_counts) for keys in columns.get("phone_keys", ())]
    columns["email_local"] = [
        _most_shared(locals_, local_counts) for locals_ in columns.get("email_locals", ())
    ]
    return pa.table({name: columns.get(name, []) for name in SCHEMA.names}, schema=SCHEMA)


def phone_key(phone):
    """The last 9 digits, which survive a trunk 0, a country code and a wrong country code."""
    digits = _DIGITS.sub("", phone)
    return digits[-9:] if len(digits) >= 7 else None


def email_parts(email):
    """(folded address, folded local part), or None for something that is not an address."""
    local, at, domain = email.strip().casefold().rpartition("@")
    local = local.split("+", 1)[0].replace(".", "")
    if not at or not local or not domain:
        return None
    return f"{local}@{domain}", local


def swapped_birthday(birthday):
    """The date with day and month exchanged, where that is a date: 1990-03-10 -> 1990-10-03."""
    if birthday is None or birthday.day > 12:
        return None
    return birthday.replace(month=birthday.day, day=birthday.month)


def address_words(address):
    words = _ADDRESS_WORD.findall(anyascii(address).lower())
    return [ABBREVIATIONS.get(word, word) for word in words]


def _row(person):
    written = " ".join(filter(None, (person.given_name, person.family_name))) or person.display_name
    phone_keys = sorted({key for key in map(phone_key, person.phones) if key})
    emails = sorted({parts for parts in map(email_parts, person.emails) if parts})
    locals_ = sorted({local for _address, local in emails})
    halves = {f"{key[:5]}-" for key in phone_keys} | {f"-{key[5:]}" for key in phone_keys}
    birthday, swapped = person.birthday, swapped_birthday(person.birthday)
    street = address_words(person.address)
    return {
        "unique_id": person.id,
        **_name_columns(written),
        "phone_keys": phone_keys or None,
        "phone_halves": sorted(halves) or None,
        "emails": [address for address, _local in emails] or None,
        "email_locals": locals_ or None,
        "email_personal": [local for local in locals_ if not spells_name(local, name_words(written))] or None,
        "birthday": birthday.isoformat() if birthday else None,
        "birthday_swapped": swapped.isoformat() if swapped else None,
        "address_key": " ".join(street) or None,
        "address_words": sorted(set(street)) or None,
        "address_number": next((word for word in street if any(map(str.isdigit, word))), None),
    }


@lru_cache(maxsize=1 << 16)
def _name_columns(written):
    """The name columns of one name (names repeat: Nguyễn Văn Minh is worked out once)."""
    words = name_words(written)
    sounds = sound(words)
    return {
        "name_key": " ".join(sorted(words)) or None,
        "name_plain": " ".join(words) or None,
        "name_words": list(words) or None,
        "name_sound": " ".join(sorted(sounds)) or None,
        "name_sound_plain": " ".join(sounds) or None,
        "name_thai": is_thai(written),
    }


def _most_shared(values, counts):
    return max(values, key=lambda value: (counts[value], value)) if values else None
