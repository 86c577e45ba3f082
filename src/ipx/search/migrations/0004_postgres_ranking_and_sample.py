"""The PostgreSQL engine's ranking index, count sample (ipx.search.backends.postgres_counts) and
filter indexes; nothing on other databases. RUM (Debian: postgresql-<version>-rum) keeps each
word's positions in the index, so the nearest matches come from the index in rank order without
reading rows. The filters' indexes (not the offer kinds': four values, none rare) let a search by filters alone read only its matches (at a
million listings, one Nice class: 606 ms → 34 ms). The SQL is written out here, not imported, so
this migration stays as it was applied."""

from django.db import migrations

CREATE_SQL = """
CREATE EXTENSION IF NOT EXISTS rum;
ALTER TABLE search_listingdoc
    ADD COLUMN IF NOT EXISTS sample integer GENERATED ALWAYS AS (hashint8(listing_id) & 65535) STORED;
CREATE INDEX IF NOT EXISTS search_listingdoc_rank ON search_listingdoc USING rum (tsv rum_tsvector_ops);
CREATE INDEX IF NOT EXISTS search_listingdoc_sample_66 ON search_listingdoc USING gin (tsv) WHERE sample < 66;
CREATE INDEX IF NOT EXISTS search_listingdoc_sample_655 ON search_listingdoc USING gin (tsv) WHERE sample < 655;
CREATE INDEX IF NOT EXISTS search_listingdoc_sample_6554 ON search_listingdoc USING gin (tsv) WHERE sample < 6554;
CREATE INDEX IF NOT EXISTS search_listingdoc_sample ON search_listingdoc (sample) WHERE sample < 6554;
CREATE INDEX IF NOT EXISTS search_listingdoc_ip_types ON search_listingdoc USING gin (ip_types);
CREATE INDEX IF NOT EXISTS search_listingdoc_ipc_classes ON search_listingdoc USING gin (ipc_sections, ipc_classes);
CREATE INDEX IF NOT EXISTS search_listingdoc_nice_classes ON search_listingdoc USING gin (nice_classes);
CREATE INDEX IF NOT EXISTS search_listingdoc_region ON search_listingdoc (region);
"""
DROP_SQL = """
DROP INDEX IF EXISTS search_listingdoc_region, search_listingdoc_nice_classes, search_listingdoc_ipc_classes,
    search_listingdoc_ip_types, search_listingdoc_sample,
    search_listingdoc_sample_6554, search_listingdoc_sample_655, search_listingdoc_sample_66,
    search_listingdoc_rank;
ALTER TABLE search_listingdoc DROP COLUMN IF EXISTS sample;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000, "
                       "EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")
        major, available = cursor.fetchone()
    if not available:
        raise RuntimeError(f"IPX's search on PostgreSQL needs the RUM extension on the database server: install "
                           f"the package postgresql-{major}-rum there (Debian, Ubuntu), then migrate again.")
    schema_editor.execute(CREATE_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_sqlite_database_index")]
    operations = [migrations.RunPython(create, drop)]
