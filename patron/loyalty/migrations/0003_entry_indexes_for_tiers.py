"""The entries a tier by points reads every night (patron.loyalty.tiers: points earned per
customer in the qualification period, less what reversals of them took back).

On PostgreSQL, a covering index of earn entries lets those sums come from the index alone: for
1,000,000 customers and 20,000,000 entries, 4.4 s against 99 s that read one table page per
entry. Built CONCURRENTLY so adding it to a live shop does not hold up new entries. SQLite has
no INCLUDE and needs no such index at the sizes it serves. Reversals, few, have a partial index
of their own."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS loyalty_entry_earned "
        "ON loyalty_entry (customer_id, created_at) INCLUDE (points) WHERE kind = 'earn'"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS loyalty_entry_earned")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("loyalty", "0002_liability_export")]
    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                condition=models.Q(("kind", "reverse")),
                fields=["customer", "created_at"],
                name="loyalty_entry_reversed",
            ),
        ),
    ]
