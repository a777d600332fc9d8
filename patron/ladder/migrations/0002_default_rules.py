"""The ladder's default rules (issue 18, seed 000), which an Admin may change on the rules page."""

from django.db import migrations

DEFAULTS = [
    (1, ["purchase"], 1, None),  # customer: one purchase
    (2, ["repeat_purchase"], 2, 12),  # client: two or more repeat purchases in the last 12 months
    (3, ["survey_positive", "compliment"], 1, None),  # supporter
    (4, ["referral", "review"], 1, None),  # advocate
    (5, ["contract", "idea", "partner_org"], 1, None),  # partner
]


def add_defaults(apps, schema_editor):
    Rule = apps.get_model("ladder", "Rule")
    for stage, codes, min_count, window in DEFAULTS:
        Rule.objects.get_or_create(
            stage=stage, defaults={"codes": codes, "min_count": min_count, "window_months": window}
        )


class Migration(migrations.Migration):
    dependencies = [("ladder", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
