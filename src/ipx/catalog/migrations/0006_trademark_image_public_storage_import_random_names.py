"""Trademark images go to the public media storage (everything else uploaded is private);
import files get random names. Nothing changes in the database: a field's storage and
``upload_to`` are not stored in it."""

import ipx.core.files
import ipx.core.storage
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_workflow_events'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importjob',
            name='file',
            field=models.FileField(max_length=255, upload_to=ipx.core.files.RandomPrivateName('imports'), verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='trademark',
            name='image',
            field=models.ImageField(blank=True, storage=ipx.core.storage.public_media_storage, upload_to='trademarks/', verbose_name='image'),
        ),
    ]
