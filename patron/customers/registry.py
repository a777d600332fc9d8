"""What each app holds about a customer, and what a merge, an export and an erasure do with it.

Every app declares its part in its own ``customer_data.py`` (found at start-up, as jobs.py is):
each model with a relation to Customer as a `Holding`, and each field elsewhere that can carry a
person's data (free text, JSON, a file in the data directory) as `Traces`, or as free of it.
Merge and undo read the holdings, so a model added later moves with the customer without an
edit here; test_registry walks every relation to Customer and every text, JSON and file field
and fails on one nobody declared.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.module_loading import autodiscover_modules


class OnMerge(StrEnum):
    MOVE = "move"  # the rows go to the survivor; undo gives the same rows back
    RECOMPUTE = "recompute"  # derived from other rows: made again for both, after the moves
    KEEP = "keep"  # stays with the merged record, as its own history


class OnErase(StrEnum):
    DELETE = "delete"  # the rows go
    ANONYMISE = "anonymise"  # the rows stay, tied to no person (a sale still counts in revenue)
    SCRUB = "scrub"  # the rows stay, with the person's values taken out


@dataclass(frozen=True)
class Holding:
    """Rows of ``model`` that belong to a customer through one of ``customer_fields``.

    ``name`` keys the holding in a merge's record and in an export. ``export``: whether the
    person's copy of their data holds the rows (their columns as stored), or a function of the
    customers' ids giving the rows as the copy shows them. A MOVE holding without
    ``move`` changes hands by id; one with ``move(source=, target=, moved=)`` returns what its
    ``put_back(record, source=, target=)`` needs to undo it, as JSON. RECOMPUTE holdings give
    both, run after every move (``moved``: {name: ids} of the rows moved by id); ``put_back``
    gets None for a merge recorded before the holding existed; ``older`` names holdings it
    replaced, whose records in older merges its ``put_back`` takes too. A SCRUB holding's
    ``scrub(rows, pattern)`` takes the person's values out of their rows (see erasure.py).
    ``moved(ids)``, for a MOVE holding that changes hands by id, is told the ids of the rows a
    merge or its undo gave to another customer, inside its transaction (sales tells its
    subscribers that those orders changed customer).
    """

    name: str
    model: type
    merge: OnMerge
    erase: OnErase
    customer_fields: tuple[str, ...] = ("customer",)
    export: bool | Callable = True
    move: Callable | None = None
    put_back: Callable | None = None
    scrub: Callable | None = None
    older: tuple[str, ...] = ()
    moved: Callable | None = None

    def rows_of(self, customer_ids):
        """The rows that belong to any of these customers, through any of the customer fields."""
        return self.model.objects.filter(
            reduce(or_, (Q(**{f"{name}__in": customer_ids}) for name in self.customer_fields))
        )

    def __post_init__(self):
        if self.merge == OnMerge.RECOMPUTE and not (self.move and self.put_back):
            raise ValueError(f"{self.name}: a recomputed holding says how (move and put_back)")
        if (self.erase == OnErase.SCRUB) != bool(self.scrub):
            raise ValueError(f"{self.name}: a scrubbed holding, and only one, says how (scrub)")
        if bool(self.move) != bool(self.put_back):
            raise ValueError(f"{self.name}: move and put_back come together")
        if self.moved and (self.merge != OnMerge.MOVE or self.move):
            raise ValueError(f"{self.name}: only a holding moved by id is told what moved")


@dataclass(frozen=True)
class Traces:
    """Fields of ``model``, not tied to one customer, that can hold a person's data (cells of an
    imported file, a failed job's arguments); ``files`` name fields holding a path in the data
    directory. ``personal=False`` declares fields that never do, so the walk knows they were
    thought of. ``in_use(row)`` says a row's files are still being read (a running import), so
    an erasure that would delete them is refused until it ends."""

    model: type
    fields: tuple[str, ...]
    files: tuple[str, ...] = ()
    personal: bool = True
    in_use: Callable | None = None
    why: str = field(default="", compare=False)


_holdings: dict[str, Holding] = {}
_traces: list[Traces] = []


def register(holding: Holding) -> None:
    if holding.name in _holdings and _holdings[holding.name] != holding:
        raise ValueError(f"Two holdings are named {holding.name}")
    _holdings[holding.name] = holding


def register_traces(traces: Traces) -> None:
    if traces not in _traces:
        _traces.append(traces)


def holdings(merge: OnMerge | None = None) -> list[Holding]:
    """The holdings in the order they were declared, those with the given merge policy."""
    return [h for h in _holdings.values() if merge is None or h.merge == merge]


def traces() -> list[Traces]:
    return list(_traces)


def discover() -> None:
    autodiscover_modules("customer_data")
