"""The record-linkage model: which pairs to compare, and what each kind of agreement weighs.

Candidate pairs (blocking). Only pairs that share one of these are compared, each an
equi-join, so the work grows with the number of candidate pairs, not with n²: the sorted
name words; a phone's last 9 digits; the first 5 or the last 4 of them (a one-digit typo
keeps one half); an e-mail local part; the birthday, also with day and month swapped; the
address.

Score (Fellegi and Sunter 1969, "A theory for record linkage", as implemented by Splink).
Each signal puts the pair in one level, e.g. for the phone: a number in common / one digit
apart / different. A level has m = P(level | same person) and u = P(level | two different
people), and the pair's match weight and score are

    w = log2(λ / (1 - λ)) + Σ log2(m / u)        score = 2^w / (1 + 2^w)

with λ the probability that two records drawn at random are one person. A signal that
either record lacks adds nothing. m and u are set here, not trained: a shop's customer list
is unlabelled and often small, and fixed weights make a pair's score depend on the pair,
not on which other customers are in the list, except through how common its values are.
A signal's m add up to 1 and say how a person's second record tends to differ from the
first: the same phone in 70 % of cases, one digit off in 5 %, another number in 25 %; the
same birthday in 90 %. u is the chance that two strangers fall in the level: 1 in 100,000
share a phone, 1 in 25,000 a birthday, 1 in 1,000 have names one or two typos apart.


Term frequencies. Two people who are both "Nguyễn Văn Minh" prove less than two who are both
"Kanokwan Chaimongkol". Where a level names a `tf` column, its u is replaced by the frequency
of the pair's value (Splink's term-frequency adjustment, half of it for a close name). The
frequency is counted in the records at hand as if among REFERENCE_SIZE more records holding
it once: tf = (count + 1) / (n + REFERENCE_SIZE), so that a handful of records does not make
a value look common, while a household landline or a shop's own number typed for many
customers weighs as little as it should.

λ = PRIOR (2,500 duplicate pairs among 100,000 customers): a pair needs
about 21 bits of evidence to reach 0.5. An exact name (about 9 bits when common, 15 when
rare) and a shared phone or birthday (14-15) pass; a name alone, a phone alone, or a name
with an e-mail local part that only spells the name do not. A clearly different name costs
5 bits, a different birthday 5, a different phone 2, which keeps namesakes apart (same
common name, different phone, e-mail and birthday) and family members (same address,
family name and landline, different given name and birthday). Family members share an
address and often a landline, so an address in common adds a full weight only when no
phone is shared, and about one bit on top of a shared phone.
"""

from typing import NamedTuple

from splink import SettingsCreator, block_on

REFERENCE_SIZE = 100_000
PRIOR = 5e-7


def _similarity(column):
    return f"text_similarity({column}_l, {column}_r)"


# Similarity of each signal, 0..1 (see similarity.py): what the comparison levels cut into
# bands and what a Pair reports as evidence. SQL over a pair's `_l` and `_r` columns.
SIMILARITY = {
    "name": (
        "CASE WHEN name_thai_l = name_thai_r "
        f"THEN greatest({_similarity('name_key')}, {_similarity('name_plain')}) "
        f"ELSE greatest({_similarity('name_sound')}, {_similarity('name_sound_plain')}) END"
    ),
    "phone": "closest_similarity(phone_keys_l, phone_keys_r)",
    "email": (
        "CASE WHEN list_has_any(emails_l, emails_r) THEN 1.0 "
        "ELSE 0.9 * closest_similarity(email_locals_l, email_locals_r) END"
    ),
    "birthday": (
        "CASE WHEN birthday_l = birthday_r THEN 1.0 WHEN birthday_swapped_l = birthday_r THEN 0.9 "
        f"ELSE {_similarity('birthday')} END"
    ),
    "address": (
        "CASE WHEN address_key_l = address_key_r THEN 1.0 "
        "ELSE len(list_intersect(address_words_l, address_words_r)) "
        "/ len(list_distinct(list_concat(address_words_l, address_words_r))) END"
    ),
}
# The column whose absence on either side means the signal is unknown.
SIGNAL_COLUMNS = {
    "name": "name_key",
    "phone": "phone_keys",
    "email": "emails",
    "birthday": "birthday",
    "address": "address_key",
}
# Columns whose frequencies adjust u, and the column (or list column) they are counted in.
TF_COLUMNS = {
    "name_key": "name_key",
    "name_sound": "name_sound",
    "phone_key": "phone_keys",
    "email_local": "email_locals",
    "birthday": "birthday",
    "address_key": "address_key",
}


class Level(NamedTuple):
    condition: str | None  # SQL over the pair's _l and _r columns; None: every pair no level above took
    m: float
    u: float
    tf: str | None = None  # column whose value frequency replaces u (see TF_COLUMNS)
    tf_weight: float = 1.0


_SAME_SCRIPT = "name_thai_l = name_thai_r"
_SHARED_PHONE = "coalesce(list_has_any(phone_keys_l, phone_keys_r), false)"

# Each signal's levels, strongest first.
LEVELS = {
    "name": [
        Level("name_key_l = name_key_r", 0.68, 1e-4, tf="name_key"),
        Level(f"{_SAME_SCRIPT} AND {SIMILARITY['name']} >= 0.85", 0.18, 1e-3, tf="name_key", tf_weight=0.5),
        # One name holds every word of the other: a Vietnamese middle name or a second given name left out.
        Level(
            f"{_SAME_SCRIPT} AND least(len(name_words_l), len(name_words_r)) >= 2 "
            "AND (list_has_all(name_words_l, name_words_r) OR list_has_all(name_words_r, name_words_l))",
            0.03,
            5e-4,
        ),
        Level(f"NOT {_SAME_SCRIPT} AND name_sound_l = name_sound_r", 0.06, 3e-4, tf="name_sound"),
        Level(f"NOT {_SAME_SCRIPT} AND {SIMILARITY['name']} >= 0.8", 0.02, 2e-3),
        Level(None, 0.03, 0.99),
    ],
    "phone": [
        Level("list_has_any(phone_keys_l, phone_keys_r)", 0.70, 1e-5, tf="phone_key"),
        Level(f"{SIMILARITY['phone']} >= 0.85", 0.05, 1e-5),
        Level(None, 0.25, 1.0),
    ],
    "email": [
        Level("list_has_any(emails_l, emails_r)", 0.55, 1e-5, tf="email_local"),
        Level("list_has_any(email_personal_l, email_personal_r)", 0.12, 2e-5, tf="email_local"),
        # A local part that only spells the name, at another provider: namesakes do that too.
        Level("list_has_any(email_locals_l, email_locals_r)", 0.05, 1e-2),
        Level(None, 0.28, 1.0),
    ],
    "birthday": [
        Level("birthday_l = birthday_r", 0.90, 4e-5, tf="birthday"),
        Level(f"birthday_swapped_l = birthday_r OR {SIMILARITY['birthday']} >= 0.85", 0.07, 2e-3),
        Level(None, 0.03, 1.0),
    ],
    "address": [
        Level(f"address_key_l = address_key_r AND NOT {_SHARED_PHONE}", 0.15, 1e-5, tf="address_key"),
        # Beside a shared phone, a shared address is what a household looks like: about one bit.
        Level("address_key_l = address_key_r", 0.35, 0.2),
        Level(f"address_number_l = address_number_r AND {SIMILARITY['address']} >= 0.5", 0.2, 1e-4),
        Level(None, 0.3, 1.0),
    ],
}

BLOCKING_RULES = [
    block_on("name_key"),
    block_on("phone_keys", arrays_to_explode=["phone_keys"]),
    block_on("phone_halves", arrays_to_explode=["phone_halves"]),
    block_on("email_locals", arrays_to_explode=["email_locals"]),
    block_on("birthday"),
    "l.birthday = r.birthday_swapped",
    "l.birthday_swapped = r.birthday",
    block_on("address_key"),
]


def _splink_level(level):
    condition = level.condition or "ELSE"
    splink_level = {"sql_condition": condition, "m_probability": level.m, "u_probability": level.u}
    if level.tf:
        splink_level |= {
            "tf_adjustment_column": level.tf,
            "tf_adjustment_weight": level.tf_weight,
            "disable_tf_exact_match_detection": True,  # adjust this level's own u
        }
    return splink_level


def _comparison(signal, levels):
    column = SIGNAL_COLUMNS[signal]
    unknown = {"sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL", "is_null_level": True}
    return {"output_column_name": signal, "comparison_levels": [unknown, *map(_splink_level, levels)]}


def settings():
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[_comparison(signal, levels) for signal, levels in LEVELS.items()],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        probability_two_random_records_match=PRIOR,
        retain_matching_columns=True,
    )
