"""Remembered mappings forget the columns they left unmapped without anyone choosing so.

Until now every unmapped column of a file was remembered as "" (left unmapped on purpose), so a
column whose header Patron did not know, such as an order number under an unfamiliar name,
stayed unmapped for that source for good, even once its header was known or its values showed
what it holds. From now on only a choice is remembered; the blanks kept so far cannot tell a
choice from an unknown header, so they are dropped. A column unmapped by choice is offered its
guessed field again once, on the preview, where it can be unmapped again.
"""

from django.db import migrations


def forget_blank_columns(apps, schema_editor):
    SourceMapping = apps.get_model("imports", "SourceMapping")
    for remembered in SourceMapping.objects.all():
        chosen = {column: field for column, field in remembered.mapping.items() if field}
        if chosen != remembered.mapping:
            remembered.mapping = chosen
            remembered.save(update_fields=["mapping"])


class Migration(migrations.Migration):
    dependencies = [("imports", "0002_import_run")]

    operations = [migrations.RunPython(forget_blank_columns, migrations.RunPython.noop)]
