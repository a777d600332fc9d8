"""Import runs keep their preview, computed once by a job, and the heartbeat of their job.

Files uploaded before this were previewed on each view of their page; they have no stored
preview, so they are put back to "previewing" with no job: the first view of the imports marks
them failed, and Retry reads them.
"""

from django.db import migrations, models


def read_again(apps, schema_editor):
    apps.get_model("imports", "ImportRun").objects.filter(status="uploaded").update(status="previewing")


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0003_forget_blank_columns_not_chosen'),
    ]

    operations = [
        migrations.AddField(
            model_name='importrun',
            name='attempt',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='importrun',
            name='heartbeat_at',
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='importrun',
            name='preview',
            field=models.JSONField(default=dict, editable=False),
        ),
        migrations.AlterField(
            model_name='importrun',
            name='status',
            field=models.CharField(choices=[('previewing', 'Reading the file'), ('uploaded', 'Uploaded'), ('queued', 'Waiting'), ('running', 'Importing'), ('finished', 'Finished'), ('refused', 'Refused'), ('failed', 'Failed')], default='uploaded', max_length=10, verbose_name='status'),
        ),
        migrations.RunPython(read_again, migrations.RunPython.noop),
    ]
