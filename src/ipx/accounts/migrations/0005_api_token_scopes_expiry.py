"""API tokens get scopes and an expiry. Tokens made before keep what they could do (read and
write) but not the new money scope, and expire 90 days from this migration."""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

import ipx.accounts.models


def existing_tokens_read_write_for_90_days(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.update(scopes=["read", "write"], expires_at=timezone.now() + timedelta(days=90))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_membership_is_signatory"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="scopes"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(existing_tokens_read_write_for_90_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=ipx.accounts.models.default_token_expiry, verbose_name="expires"),
        ),
    ]
