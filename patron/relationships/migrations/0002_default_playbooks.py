"""The default playbooks (issue 18): reactive, a feedback request (a CSAT survey) 7 days after
each order; accountable, a follow-up call 30 days after a purchase of a product of the category
"service plan"; partnership, a quarterly review meeting. An Admin changes them on the
playbooks page. Undone by removing the steps this added, if nothing was done by them."""

from django.db import migrations

DEFAULTS = [
    {"level": "reactive", "trigger": "after_order", "days": 7, "action": "survey", "survey_kind": "csat"},
    {
        "level": "accountable",
        "trigger": "after_product",
        "days": 30,
        "category": "service plan",
        "action": "task",
        "task_kind": "call",
        "title": "Follow-up call: how is the product with the service plan doing?",
        "remind_before_minutes": [60],
    },
    {
        "level": "partnership",
        "trigger": "quarterly",
        "days": 0,
        "action": "task",
        "task_kind": "meeting",
        "title": "Quarterly review meeting",
        "remind_before_minutes": [1440],
    },
]


def add(apps, schema_editor):
    Step = apps.get_model("relationships", "Step")
    for values in DEFAULTS:
        Step.objects.create(**values)


def remove(apps, schema_editor):
    Step = apps.get_model("relationships", "Step")
    for values in DEFAULTS:
        Step.objects.filter(runs__isnull=True, **values).delete()


class Migration(migrations.Migration):
    dependencies = [("relationships", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
