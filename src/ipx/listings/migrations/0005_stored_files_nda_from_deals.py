"""Listing documents become ``ipx.core.files.StoredFile``s, and NDA acceptances move here
from deals.

Nothing changes in the database. Where a file is placed (``upload_to``) is not stored in it.
``NdaAcceptance`` keeps the table "deals_ndaacceptance" with its rows and constraint: the
acceptances are evidence, and renaming their table would only add a step that can fail on a
live database. Its content type follows the model, so the back-office's permissions and
history of it stay attached.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import ipx.core.files


def _move_content_type(apps, schema_editor, *, source, target):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    # A fresh database has none yet (they are made after migrating); one made for the target
    # already means there is nothing to carry over.
    if not content_types.filter(app_label=target, model="ndaacceptance").exists():
        content_types.filter(app_label=source, model="ndaacceptance").update(app_label=target)


def to_listings(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="deals", target="listings")


def to_deals(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="listings", target="deals")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_workflow_events'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('deals', '0005_stored_files_nda_to_listings'),
        ('listings', '0004_workflow_events'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='listingdocument',
                name='file',
                field=models.FileField(max_length=200, upload_to=ipx.core.files.stored_file_path),
            ),
        ]),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='NdaAcceptance',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('nda_text', models.TextField(verbose_name='terms accepted')),
                    ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                    ('accepted_at', models.DateTimeField(auto_now_add=True, verbose_name='accepted')),
                    ('listing', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='nda_acceptances', to='listings.listing')),
                    ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'NDA acceptance',
                    'verbose_name_plural': 'NDA acceptances',
                    'db_table': 'deals_ndaacceptance',
                    'constraints': [models.UniqueConstraint(fields=('listing', 'organisation'), name='nda_listing_org')],
                },
            ),
        ]),
        migrations.RunPython(to_listings, to_deals),
    ]
