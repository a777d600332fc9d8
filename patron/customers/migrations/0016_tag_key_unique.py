"""The tag key, filled and folded by 0015, is unique: one tag whatever the case."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0015_tag_key")]

    operations = [
        migrations.AlterField(
            model_name="tag",
            name="key",
            field=models.CharField(editable=False, max_length=200, unique=True),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.CheckConstraint(
                condition=models.Q(("key", ""), _negated=True), name="tag_key_not_blank"
            ),
        ),
    ]
