"""The PostgreSQL search table; nothing on other databases (their engines keep their own files).
The SQL is written out here, not imported, so this migration stays as it was applied."""

from django.db import migrations

CREATE_SQL = """
CREATE TABLE IF NOT EXISTS search_listingdoc (
    listing_id bigint PRIMARY KEY,
    tsv tsvector NOT NULL,
    ip_types text[] NOT NULL, offer_kinds text[] NOT NULL, ipc_sections text[] NOT NULL,
    ipc_classes text[] NOT NULL, nice_classes text[] NOT NULL,
    region text NOT NULL, currency text NOT NULL,
    has_price boolean NOT NULL, price_cny double precision,
    price_asc double precision NOT NULL, price_desc double precision NOT NULL,
    published_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS search_listingdoc_tsv ON search_listingdoc USING gin (tsv);
CREATE INDEX IF NOT EXISTS search_listingdoc_published ON search_listingdoc (published_at);
CREATE INDEX IF NOT EXISTS search_listingdoc_price ON search_listingdoc (price_asc);
"""
DROP_SQL = "DROP TABLE IF EXISTS search_listingdoc"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create, drop)]
