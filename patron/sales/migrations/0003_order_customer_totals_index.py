"""On PostgreSQL, a covering index lets a customer's purchase totals (patron.sales.selectors.
purchase_totals: orders, completed, spend, refunds, first and last purchase) come from the index
alone. Without it the customer page reads one table page per order: 22,600 pages for a customer
with 25,000 orders (30-120 ms warm, seconds cold), against 216 index pages (about 6 ms) with it.
See benchmarks/README.md.

Built CONCURRENTLY so adding it to a live shop does not hold up new orders. SQLite has no
INCLUDE and needs no such index at the sizes it serves."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS order_customer_totals "
        "ON sales_order (customer_id) INCLUDE (id, status, total_base, placed_at)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS order_customer_totals")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("sales", "0002_verbose_names")]
    operations = [migrations.RunPython(forwards, backwards)]
