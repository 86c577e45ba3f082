"""A deal's money is fixed by the database like the ledger's: once a milestone is written, no
UPDATE changes its deal, position, amount or condition; what has been released to the seller
or refunded to the buyer only grows, never beyond the milestone's amount; a released or
refunded milestone stays so and none goes back to pending. The deal keeps the currency,
price, fee and parties its milestones are paid in and to. The services write only the
status and the two running totals, forwards, which these triggers let through."""

from django.db import migrations

MESSAGE = "deal money fields are fixed"
FUNCTION = "deals_refuse_money_change"

# (table, the condition under which an UPDATE is refused), in each database's words.
CHANGES = {
    "postgresql": {
        "deals_dealmilestone": (
            'OLD.deal_id IS DISTINCT FROM NEW.deal_id OR OLD."position" IS DISTINCT FROM NEW."position" '
            'OR OLD.amount IS DISTINCT FROM NEW.amount OR OLD."condition" IS DISTINCT FROM NEW."condition" '
            "OR NEW.released_amount < OLD.released_amount OR NEW.refunded_amount < OLD.refunded_amount "
            "OR NEW.released_amount + NEW.refunded_amount > NEW.amount "
            "OR (OLD.status IN ('released', 'refunded') AND NEW.status IS DISTINCT FROM OLD.status) "
            "OR (NEW.status = 'pending' AND OLD.status IS DISTINCT FROM 'pending')"),
        "deals_deal": (
            "OLD.currency IS DISTINCT FROM NEW.currency OR OLD.price_amount IS DISTINCT FROM NEW.price_amount "
            "OR OLD.fee_percent IS DISTINCT FROM NEW.fee_percent OR OLD.buyer_id IS DISTINCT FROM NEW.buyer_id "
            "OR OLD.seller_id IS DISTINCT FROM NEW.seller_id"),
    },
    "sqlite": {
        # SQLite keeps decimals as numbers that may be binary fractions: sums are compared in cents.
        "deals_dealmilestone": (
            'OLD.deal_id IS NOT NEW.deal_id OR OLD."position" IS NOT NEW."position" '
            'OR OLD.amount IS NOT NEW.amount OR OLD."condition" IS NOT NEW."condition" '
            "OR NEW.released_amount < OLD.released_amount OR NEW.refunded_amount < OLD.refunded_amount "
            "OR ROUND(NEW.released_amount + NEW.refunded_amount, 2) > ROUND(NEW.amount, 2) "
            "OR (OLD.status IN ('released', 'refunded') AND NEW.status IS NOT OLD.status) "
            "OR (NEW.status = 'pending' AND OLD.status IS NOT 'pending')"),
        "deals_deal": (
            "OLD.currency IS NOT NEW.currency OR OLD.price_amount IS NOT NEW.price_amount "
            "OR OLD.fee_percent IS NOT NEW.fee_percent OR OLD.buyer_id IS NOT NEW.buyer_id "
            "OR OLD.seller_id IS NOT NEW.seller_id"),
    },
}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql")
        for table, refused in CHANGES[vendor].items():
            schema_editor.execute(f"CREATE TRIGGER {table}_money_fixed BEFORE UPDATE ON {table} FOR EACH ROW "
                                  f"WHEN ({refused}) EXECUTE FUNCTION {FUNCTION}()")
    elif vendor == "sqlite":
        for table, refused in CHANGES[vendor].items():
            schema_editor.execute(f"CREATE TRIGGER {table}_money_fixed BEFORE UPDATE ON {table} WHEN {refused} "
                                  f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in CHANGES.get(vendor, {}):
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_money_fixed ON {table}")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_money_fixed")
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [("deals", "0007_offer_assets_and_disputes")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
