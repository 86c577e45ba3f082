"""On SQLite, let a whole-database flush delete ledger rows (see ipx.ledger.append_only);
every other DELETE is still refused. PostgreSQL needs nothing: TRUNCATE passes row triggers."""

from django.db import migrations

TABLES = ("ledger_posting", "ledger_ledgertransaction")
MESSAGE = "ledger rows are append-only"


def _recreate(schema_editor, condition):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {condition}"
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def forwards(apps, schema_editor):
    _recreate(schema_editor, "WHEN NOT ipx_ledger_reset() ")


def backwards(apps, schema_editor):
    _recreate(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
