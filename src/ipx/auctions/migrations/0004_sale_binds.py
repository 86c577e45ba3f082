from typing import Any

from django.db import migrations, models


def bind_auction_deals(apps: Any, schema_editor: Any) -> None:
    """Deals made from auction settlements before the flag existed are bound by their sale too."""
    Deal = apps.get_model("deals", "Deal")
    Settlement = apps.get_model("auctions", "Settlement")
    Deal.objects.filter(pk__in=Settlement.objects.exclude(deal=None).values("deal_id")).update(bound_by_sale=True)


class Migration(migrations.Migration):

    dependencies = [
        ('auctions', '0003_settlement'),
        ('deals', '0009_sale_binds'),
    ]

    operations = [
        migrations.AlterField(
            model_name='settlement',
            name='status',
            field=models.CharField(choices=[('offered', 'Offered to the runner-up'), ('awaiting_payment', 'Awaiting payment'), ('paid', 'Paid'), ('forfeited', 'Deposit forfeited'), ('declined', 'Declined'), ('lapsed', 'Offer lapsed'), ('cancelled', 'Cancelled, deposit returned')], max_length=16, verbose_name='status'),
        ),
        migrations.RunPython(bind_auction_deals, migrations.RunPython.noop),
    ]
