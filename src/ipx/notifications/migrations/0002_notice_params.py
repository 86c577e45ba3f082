from django.db import migrations, models


class Migration(migrations.Migration):
    """Notifications store verb + params and are put into words when read; the text columns
    stay for rows written before."""

    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.RenameField("notification", "title", "stored_title"),
        migrations.RenameField("notification", "body", "stored_body"),
        migrations.AlterField(
            "notification", "stored_title",
            models.CharField(blank=True, db_column="title", max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            "notification", "stored_body",
            models.TextField(blank=True, db_column="body", verbose_name="text"),
        ),
        migrations.AddField("notification", "params", models.JSONField(blank=True, null=True)),
    ]
