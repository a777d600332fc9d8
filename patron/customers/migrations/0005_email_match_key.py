from django.db import migrations, models

BATCH = 5000


def fill_match_keys(apps, schema_editor):
    from patron.customers.identity import email_match_key

    CustomerEmail = apps.get_model("customers", "CustomerEmail")
    last_pk = 0
    while True:
        batch = list(CustomerEmail.objects.filter(pk__gt=last_pk).order_by("pk").only("pk", "address")[:BATCH])
        if not batch:
            return
        for email in batch:
            email.match_key = email_match_key(email.address)
        CustomerEmail.objects.bulk_update(batch, ["match_key"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_audit_action_context")]

    operations = [
        migrations.AddField(
            model_name="customeremail",
            name="match_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=254),
        ),
        migrations.RunPython(fill_match_keys, migrations.RunPython.noop),
    ]
