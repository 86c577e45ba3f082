"""Load the IPC and Nice reference tables (see ipx.catalog.reference_tables)."""

from django.db import migrations

from ipx.catalog.reference_tables import fill


def load(apps, schema_editor):
    fill(apps.get_model("catalog", "IpcCode"), apps.get_model("catalog", "NiceClass"),
         schema_editor.connection.alias)


def unload(apps, schema_editor):
    apps.get_model("catalog", "IpcCode").objects.all().delete()
    apps.get_model("catalog", "NiceClass").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
