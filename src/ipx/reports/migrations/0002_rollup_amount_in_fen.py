"""The rollups' amounts as whole fen (exact sums on SQLite), converted both ways."""

from decimal import Decimal

from django.db import migrations, models

HUNDRED = Decimal(100)


def to_fen(apps, schema_editor):
    RecordRollup = apps.get_model("reports", "RecordRollup")
    for row in RecordRollup.objects.only("pk", "amount_cny").iterator(chunk_size=2000):
        RecordRollup.objects.filter(pk=row.pk).update(amount_fen=int((row.amount_cny * HUNDRED).to_integral_value()))


def to_yuan(apps, schema_editor):
    RecordRollup = apps.get_model("reports", "RecordRollup")
    for row in RecordRollup.objects.only("pk", "amount_fen").iterator(chunk_size=2000):
        RecordRollup.objects.filter(pk=row.pk).update(amount_cny=Decimal(row.amount_fen) / HUNDRED)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordrollup",
            name="amount_fen",
            field=models.BigIntegerField(default=0, verbose_name="amount in CNY fen"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="recordrollup",
            name="amount_cny",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=20, verbose_name="amount in CNY"),
        ),
        migrations.RunPython(to_fen, to_yuan),
        migrations.RemoveField(
            model_name="recordrollup",
            name="amount_cny",
        ),
    ]
