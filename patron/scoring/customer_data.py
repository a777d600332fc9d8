"""What the scoring app holds about a customer (see patron/customers/registry.py)."""

from patron.customers.registry import Holding, OnErase, OnMerge, Traces, register, register_traces
from patron.scoring.models import CustomerScore, ScoringRun
from patron.scoring.services import scores_put_back, scores_set_aside


def _set_aside(*, source, target, moved):
    """The tombstone's score goes; so does the survivor's when orders came to them."""
    return scores_set_aside([source, target] if moved.get("orders") else [source])


def _put_back(saved, *, source, target):
    if saved is not None:  # merges made before scores were set aside have none
        scores_put_back(saved)


register(
    Holding("scores", CustomerScore, OnMerge.RECOMPUTE, OnErase.DELETE, move=_set_aside, put_back=_put_back)
)
register_traces(
    Traces(ScoringRun, ("fitted", "checks", "note"), personal=False, why="model parameters and counts")
)
