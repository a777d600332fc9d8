"""What the ladder holds about a customer (see patron/customers/registry.py).

A merge derives both customers again once it commits (the survivor has the merged customer's
orders now, and the merged record none), and its undo likewise; the evidence recorded by hand
goes to the survivor, the moves stay with each record as its history. An erasure deletes them
all: a stage and its evidence describe the person, and a note by hand is free text about them.
"""

from patron.customers.registry import Holding, OnErase, OnMerge, Traces, register, register_traces
from patron.ladder.jobs import rederive_later
from patron.ladder.models import HandEvidence, Move, Rule, RuleChange, Standing


def _derive_again(*, source, target, moved):
    rederive_later([getattr(source, "pk", source), getattr(target, "pk", target)])


def _derive_again_after_undo(saved, *, source, target):
    rederive_later([getattr(source, "pk", source), getattr(target, "pk", target)])


register(
    Holding(
        "ladder_standing",
        Standing,
        OnMerge.RECOMPUTE,
        OnErase.DELETE,
        move=_derive_again,
        put_back=_derive_again_after_undo,
    )
)
register(Holding("ladder_moves", Move, OnMerge.KEEP, OnErase.DELETE))
register(Holding("ladder_hand_evidence", HandEvidence, OnMerge.MOVE, OnErase.DELETE))
register_traces(Traces(Rule, ("codes",), personal=False, why="evidence codes"))
register_traces(Traces(RuleChange, ("codes",), personal=False, why="evidence codes"))
