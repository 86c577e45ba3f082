"""Contracts get random names in the private storage. Nothing changes in the database:
``upload_to`` is not stored in it."""

import ipx.core.files
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deals', '0005_stored_files_nda_to_listings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='deal',
            name='contract_pdf',
            field=models.FileField(blank=True, max_length=200, upload_to=ipx.core.files.RandomPrivateName('contracts'), verbose_name='contract'),
        ),
    ]
