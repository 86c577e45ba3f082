"""Ledger accounts and payouts are money rows too: an UPDATE that moves an account to another
owner, currency or kind would move its balance without a posting, and one that changes a
payout's amount or destination would rewrite what was paid. The database refuses both, and
refuses DELETE as for postings (on SQLite except while this application's flush runs, see
ipx.ledger.append_only). Payouts keep only the masked bank account (its last four
characters): the provider has the number, the exchange has no need to."""

from django.db import migrations

MESSAGE = "ledger rows are append-only"
# Columns that decide whose money a row is, how much and where it went.
FIXED = {
    "ledger_ledgeraccount": ("kind", "currency", "organisation_id", "reference", "key"),
    "ledger_payout": ("organisation_id", "amount", "currency", "bank_account", "transaction_id",
                      "provider_reference", "requested_by_id"),
}


def mask_stored_accounts(apps, schema_editor):
    Payout = apps.get_model("ledger", "Payout")
    for payout in Payout.objects.exclude(bank_account__startswith="****"):
        Payout.objects.filter(pk=payout.pk).update(bank_account=f"****{payout.bank_account[-4:]}")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, columns in FIXED.items():
        if vendor == "postgresql":
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_fixed BEFORE UPDATE ON {table} FOR EACH ROW WHEN ({changed}) "
                "EXECUTE FUNCTION ledger_refuse_change()")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} FOR EACH ROW "
                "EXECUTE FUNCTION ledger_refuse_change()")
        elif vendor == "sqlite":
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_fixed BEFORE UPDATE ON {table} WHEN {changed} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN NOT ipx_ledger_reset() "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in FIXED:
        for name in ("fixed", "no_delete"):
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}")
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{name}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_sqlite_flush")]
    operations = [
        migrations.RunPython(mask_stored_accounts, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
