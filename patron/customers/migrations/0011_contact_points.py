"""Contact points (issue 15, item 3): one table for e-mails, phones and chat ids.

The table is made bare here; 0012 copies the e-mails and phones into it, and 0013 adds its
indexes and constraints (faster than checking each row as it is copied, and the constraints
then check every copied row) and drops the old tables.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0010_actors")]

    operations = [
        migrations.CreateModel(
            name="ContactPoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("email", "E-mail"),
                            ("phone", "Phone"),
                            ("line", "LINE"),
                            ("zalo", "Zalo"),
                            ("viber", "Viber"),
                            ("whatsapp", "WhatsApp"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("value", models.CharField(max_length=254, verbose_name="value")),
                ("normalised", models.CharField(editable=False, max_length=254)),
                ("match_key", models.CharField(editable=False, max_length=254)),
                ("is_primary", models.BooleanField(default=False, verbose_name="primary")),
                ("verified_at", models.DateTimeField(blank=True, null=True, verbose_name="verified")),
                (
                    "customer",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contact_points",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact point",
                "verbose_name_plural": "contact points",
                "ordering": ["kind", "-is_primary", "id"],
            },
        ),
    ]
