from django.db import migrations


class Migration(migrations.Migration):
    """Deal events on the workflow kernel's shape: ``kind`` is the event's verb; rows keep it."""

    dependencies = [("deals", "0002_event_params")]

    operations = [migrations.RenameField("dealevent", "kind", "verb")]
