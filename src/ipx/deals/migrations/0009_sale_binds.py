"""A deal made from an auction sale is bound by it (``Deal.bound_by_sale``).

SQLite adds a NOT NULL column by copying the table, which drops its triggers: the one that
keeps a deal's money fields fixed (0008) is made again after the copy."""

from importlib import import_module
from typing import Any

from django.db import migrations, models

money_fixed = import_module("ipx.deals.migrations.0008_milestone_money_fixed")


def restore_deal_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL adds the column in place and keeps its triggers
    refused = money_fixed.CHANGES["sqlite"]["deals_deal"]
    schema_editor.execute("DROP TRIGGER IF EXISTS deals_deal_money_fixed")
    schema_editor.execute(f"CREATE TRIGGER deals_deal_money_fixed BEFORE UPDATE ON deals_deal WHEN {refused} "
                          f"BEGIN SELECT RAISE(ABORT, '{money_fixed.MESSAGE}'); END")


class Migration(migrations.Migration):

    dependencies = [
        ('deals', '0008_milestone_money_fixed'),
    ]

    operations = [
        migrations.AddField(
            model_name='deal',
            name='bound_by_sale',
            field=models.BooleanField(default=False, verbose_name='bound by a sale'),
        ),
        migrations.RunPython(restore_deal_trigger, migrations.RunPython.noop),
    ]
