"""What the relationships app holds about a customer (see patron/customers/registry.py).

A merge keeps the higher of the two levels (the survivor's when they are equal) and gives the
merged record's history to the survivor; the merge's undo puts both current levels back (the
history rows move back by id). What playbooks made for the merged record (StepRun) stays with
it as its own history. The copy of a person's data holds their level, its history and the
playbook steps done for them; an erasure deletes them all (a reason is free text about the
person).
"""

from datetime import datetime

from patron.customers.registry import Holding, OnErase, OnMerge, Traces, register, register_traces
from patron.relationships.models import RANK, CustomerLevel, LevelChange, PlaybookEdit, Step, StepRun


def _row(level):
    return (
        None
        if level is None
        else {"level": level.level, "since": level.since.isoformat(), "change": level.change_id}
    )


def _merged(*, source, target, moved):
    """The higher level survives on the target; the source's current row goes."""
    levels = {
        row.customer_id: row for row in CustomerLevel.objects.filter(customer__in=[source.pk, target.pk])
    }
    kept, gone = levels.get(target.pk), levels.get(source.pk)
    record = {"source": _row(gone), "target": _row(kept)}
    if gone is not None:
        if kept is None or RANK[gone.level] > RANK[kept.level]:
            CustomerLevel.objects.update_or_create(
                customer_id=target.pk,
                defaults={"level": gone.level, "since": gone.since, "change_id": gone.change_id},
            )
        gone.delete()
    return record


def _put_back(record, *, source, target):
    if record is None:
        return
    CustomerLevel.objects.filter(customer__in=[source.pk, target.pk]).delete()
    for customer, row in ((source, record["source"]), (target, record["target"])):
        if row is not None:
            CustomerLevel.objects.create(
                customer_id=customer.pk,
                level=row["level"],
                since=datetime.fromisoformat(row["since"]),
                change_id=row["change"],
            )


# The current level first: it names its change, so an erasure deletes it before the history.
register(
    Holding(
        "relationship_levels",
        CustomerLevel,
        OnMerge.RECOMPUTE,
        OnErase.DELETE,
        move=_merged,
        put_back=_put_back,
    )
)
register(Holding("relationship_level_changes", LevelChange, OnMerge.MOVE, OnErase.DELETE))
register(Holding("relationship_playbook_runs", StepRun, OnMerge.KEEP, OnErase.DELETE))
register_traces(
    Traces(
        Step,
        ("title", "subject", "body", "remind_before_minutes"),
        personal=False,
        why="a playbook's wording, for every customer",
    )
)
register_traces(Traces(PlaybookEdit, ("what",), personal=False, why="a playbook step described"))
