"""Moving everything a customer holds to another customer and back, as the apps declared it
(patron/customers/registry.py), recording what moved so that undo puts back exactly those rows.

The record keeps the shape merges have always had: {"rows": {name: ids}} for the rows that
change hands by id, and {name: record} for each holding that moves or recomputes itself.
"""

from patron.customers.registry import OnMerge, holdings

# Bounds the ids in one query's IN (...): SQLite takes at most 32,766 parameters.
ID_BATCH = 1000


def move_all(*, source, target):
    """Move what `source` holds to `target`; returns the record `return_all` needs."""
    moved = {}
    for holding in holdings(OnMerge.MOVE):
        if holding.move is None:
            rows = _owned(holding, source)
            moved[holding.name] = list(rows.order_by("pk").values_list("pk", flat=True))
            rows.update(**{holding.customer_fields[0]: target})
            if holding.moved and moved[holding.name]:
                holding.moved(moved[holding.name])
    record = {"rows": moved}
    for policy in (OnMerge.MOVE, OnMerge.RECOMPUTE):
        for holding in holdings(policy):
            if holding.move is not None:
                record[holding.name] = holding.move(source=source, target=target, moved=moved)
    return record


def return_all(record, *, source, target):
    """Give `source` back what `move_all` took, where `target` still holds it."""
    for holding in holdings(OnMerge.MOVE):
        if holding.move is None:
            ids = record["rows"].get(holding.name, [])
            field = holding.customer_fields[0]
            back = []
            for start in range(0, len(ids), ID_BATCH):
                rows = holding.model.objects.filter(pk__in=ids[start : start + ID_BATCH], **{field: target})
                back += rows.values_list("pk", flat=True)
                rows.update(**{field: source})
            if holding.moved and back:
                holding.moved(back)
        else:
            for name in (holding.name, *holding.older):
                if name in record:
                    holding.put_back(record[name], source=source, target=target)
    for holding in holdings(OnMerge.RECOMPUTE):
        holding.put_back(record.get(holding.name), source=source, target=target)


def _owned(holding, customer):
    return holding.model.objects.filter(**{holding.customer_fields[0]: customer})
