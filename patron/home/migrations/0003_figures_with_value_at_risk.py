"""The scores section now keeps the value at risk: figures kept before are computed again."""

from django.db import migrations


def forget_kept_figures(apps, schema_editor):
    apps.get_model("home", "Snapshot").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_snapshot_per_section"),
        ("scoring", "0006_value_at_risk"),
    ]

    operations = [migrations.RunPython(forget_kept_figures, migrations.RunPython.noop)]
