"""What the duplicates app holds about a customer (see patron/customers/registry.py)."""

from patron.customers.registry import Holding, OnErase, OnMerge, Traces, register, register_traces
from patron.duplicates.models import DuplicatePair, DuplicateScan, Merge

# A pair's evidence quotes both customers' names and identities: the other may be another
# person, so it is no part of one person's copy of their data.
register(
    Holding(
        "duplicate_pairs",
        DuplicatePair,
        OnMerge.KEEP,
        OnErase.DELETE,
        customer_fields=("left", "right"),
        export=False,
    )
)
# A merge's record holds the profile values it replaced, to undo it.
register(
    Holding(
        "merges",
        Merge,
        OnMerge.KEEP,
        OnErase.SCRUB,
        customer_fields=("survivor", "merged"),
        scrub=lambda rows, pattern: rows.update(snapshot={"erased": True}, choices={}),
    )
)
register_traces(Traces(DuplicateScan, ("note",), personal=False, why="counts and the scan's outcome"))
