"""Attachments become ``ipx.core.files.StoredFile``s, and NDA acceptances move to listings.

Both change only what Django knows of the models, nothing in the database: where a file is
placed (``upload_to``) is not stored in it, and ``NdaAcceptance`` keeps its table
("deals_ndaacceptance") and rows, now as ``listings.NdaAcceptance`` (listings 0005).
"""

from django.db import migrations, models

import ipx.core.files


class Migration(migrations.Migration):

    dependencies = [
        ('deals', '0004_workflow_events'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='attachment',
                name='file',
                field=models.FileField(max_length=200, upload_to=ipx.core.files.stored_file_path),
            ),
        ]),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='NdaAcceptance',
            ),
        ]),
    ]
