from django.db import migrations, models


def fill_search_name(apps, schema_editor):
    from patron.customers.folding import fold

    Organisation = apps.get_model("organisations", "Organisation")
    for organisation in Organisation.objects.only("id", "name").iterator():
        Organisation.objects.filter(pk=organisation.pk).update(search_name=fold(organisation.name))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_verbose_names")]
    operations = [
        migrations.AddField(
            model_name="organisation",
            name="search_name",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_search_name, migrations.RunPython.noop),
    ]
