"""Tags compared without case: each tag gets its key (patron.customers.models.tag_key), and
tags whose names differ only in case are folded into one before the key is made unique.

The tag kept of each group is the oldest (lowest id), with its spelling; the others' customers
move to it (a customer who had both keeps one link), then the others go. Set-based: one UPDATE
and one DELETE per folded tag, whatever the number of customers. The key is made unique in
0016, a transaction of its own: PostgreSQL does not alter a table with deferred foreign-key
checks pending from the rows deleted here.
"""

import unicodedata

from django.db import migrations, models


def tag_key(name):
    # A copy of models.tag_key as it is today: a migration does not import the live code.
    return unicodedata.normalize("NFKC", name).casefold()


def fold_tags(apps, schema_editor):
    Tag = apps.get_model("customers", "Tag")
    Link = apps.get_model("customers", "Customer").tags.through
    kept = {}
    for pk, name in Tag.objects.order_by("pk").values_list("pk", "name").iterator():
        key = tag_key(name)
        if key not in kept:
            kept[key] = pk
            Tag.objects.filter(pk=pk).update(key=key)
            continue
        survivor = kept[key]
        held = Link.objects.filter(tag_id=survivor).values("customer_id")
        Link.objects.filter(tag_id=pk).exclude(customer_id__in=held).update(tag_id=survivor)
        Link.objects.filter(tag_id=pk).delete()
        Tag.objects.filter(pk=pk).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0014_customer_owner")]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="key",
            field=models.CharField(editable=False, max_length=200, null=True),
        ),
        # Folding cannot be undone (which spelling was whose is not kept); going back only
        # drops the key.
        migrations.RunPython(fold_tags, migrations.RunPython.noop),
    ]
