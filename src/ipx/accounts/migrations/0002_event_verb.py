from django.db import migrations


class Migration(migrations.Migration):
    """Organisation events on the workflow kernel's shape: ``kind`` is the event's verb and
    ``reason`` what a person typed (the note); the rows keep their values."""

    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RenameField("organisationevent", "kind", "verb"),
        migrations.RenameField("organisationevent", "reason", "note"),
    ]
