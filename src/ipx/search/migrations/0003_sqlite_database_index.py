"""The search tables inside an SQLite database (the ``sqlite-db`` engine, the fallback of the
embedded engines); nothing on PostgreSQL, whose table is migration 0001's. The SQL is written
out here, not imported, so this migration stays as it was applied. The tables start empty:
the periodic repair finds the engine unstamped and fills it through the task queue."""

from django.db import migrations

CREATE_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_listingdoc_text USING fts5(title, body, detail=column)",
    """CREATE TABLE IF NOT EXISTS search_listingdoc (
    listing_id INTEGER PRIMARY KEY,
    ip_types TEXT NOT NULL, offer_kinds TEXT NOT NULL, ipc_sections TEXT NOT NULL,
    ipc_classes TEXT NOT NULL, nice_classes TEXT NOT NULL, region TEXT NOT NULL, currency TEXT NOT NULL,
    has_price INTEGER NOT NULL, price_cny REAL, price_asc REAL NOT NULL, price_desc REAL NOT NULL,
    published_at INTEGER NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS search_listingdoc_published ON search_listingdoc(published_at)",
    "CREATE INDEX IF NOT EXISTS search_listingdoc_price ON search_listingdoc(price_asc)",
]
DROP_SQL = ["DROP TABLE IF EXISTS search_listingdoc_text", "DROP TABLE IF EXISTS search_listingdoc"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE_SQL:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index_stamp")]
    operations = [migrations.RunPython(create, drop)]
