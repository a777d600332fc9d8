"""Contact points get their indexes and constraints, once every row is copied (0012); the
e-mail and phone tables go."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_contact_points_copy")]

    operations = [
        migrations.AddIndex(
            model_name="contactpoint",
            index=models.Index(fields=["kind", "match_key"], name="contact_point_match"),
        ),
        migrations.AddConstraint(
            model_name="contactpoint",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "email"),
                    ("kind", "phone"),
                    ("kind", "line"),
                    ("kind", "zalo"),
                    ("kind", "viber"),
                    ("kind", "whatsapp"),
                    _connector="OR",
                ),
                name="contact_point_kind_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactpoint",
            constraint=models.UniqueConstraint(
                fields=("customer", "kind", "normalised"), name="contact_point_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="contactpoint",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_primary", True)),
                fields=("customer", "kind"),
                name="contact_point_one_primary",
            ),
        ),
        migrations.DeleteModel(name="CustomerEmail"),
        migrations.DeleteModel(name="CustomerPhone"),
    ]
