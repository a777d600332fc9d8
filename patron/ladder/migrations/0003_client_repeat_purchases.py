"""The client's default rule counts repeat purchases (issue 18: "two or more repeat purchases in
the last 12 months"), not purchases: a purchase after the customer's first is a repeat one.

The stored rule changes only if it is still the old default (an Admin's own rule is kept), and
the change is listed with the others, made by nobody (the system). The stages follow at the
next derivation of everyone (nightly, or after an import or a rule change).
"""

from django.db import migrations
from django.utils import timezone

CLIENT = 2
OLD = (["purchase"], 2, 12)
NEW = (["repeat_purchase"], 2, 12)


def change(apps, before, after):
    Rule = apps.get_model("ladder", "Rule")
    RuleChange = apps.get_model("ladder", "RuleChange")
    rule = Rule.objects.filter(stage=CLIENT).first()
    if rule is None or (rule.codes, rule.min_count, rule.window_months) != before:
        return
    rule.codes, rule.min_count, rule.window_months = after
    rule.changed_by, rule.changed_at = None, timezone.now()
    rule.save()
    codes, min_count, window_months = after
    RuleChange.objects.create(
        stage=CLIENT, codes=codes, min_count=min_count, window_months=window_months, changed_by=None
    )


def forwards(apps, schema_editor):
    change(apps, OLD, NEW)


def backwards(apps, schema_editor):
    change(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("ladder", "0002_default_rules")]

    operations = [migrations.RunPython(forwards, backwards)]
