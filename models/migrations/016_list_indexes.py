"""Migration 016_list_indexes (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator

# (index name, table, column): text the admin searches at city scale (portal/admin_views/listing.py)
SEARCHED = (
    ("worklogentry_description_search", "work_log_entry", "description"),
    ("person_name_search", "person", "name"),
    ("division_name_search", "division", "name"),
)
# the default sort orders of the long admin lists, so a page is read off an index instead of sorting the table
ORDERS = (
    ("worklogentry_date_id", "work_log_entry (date, id)"),
    ("personmonthresult_snapshot_month_id", "person_month_result (snapshot_id DESC, month, id)"),
    ("weeklyreview_week_start_id", "weekly_review (week_start, id)"),
)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Issue 10 item 7: lists stay fast at city scale. Indexes for the default sort of the long lists, and for
    searched text: on PostgreSQL trigram (GIN, pg_trgm) indexes when the extension can be created, so a search
    keeps matching anywhere in the text; otherwise btree indexes for a prefix search (text_pattern_ops on
    PostgreSQL, plain on SQLite)."""
    for name, target in ORDERS:
        migrator.sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    migrator.run(_search_indexes, database)


def _search_indexes(database: pw.Database) -> None:
    if not isinstance(database, pw.PostgresqlDatabase):
        for name, table, column in SEARCHED:
            if name != "person_name_search":  # person.name has had a plain index since 001
                database.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
        return
    schema = _trigram_schema(database)
    for name, table, column in SEARCHED:
        if schema is not None:
            ops = f'"{schema}".gin_trgm_ops'
            database.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} {ops})")
        else:
            database.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} text_pattern_ops)")


def _trigram_schema(database: pw.Database) -> str | None:
    """The schema of pg_trgm, created in `public` if missing and allowed; None when it cannot be."""
    try:
        with database.atomic():
            database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    except pw.DatabaseError:
        pass  # no right to create extensions here: prefix search over btree indexes instead
    row = database.execute_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).fetchone()
    return row[0] if row else None


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop the indexes (the extension stays: other databases' objects may use it)."""
    for name, _target in ORDERS:
        migrator.sql(f"DROP INDEX IF EXISTS {name}")
    for name, _table, _column in SEARCHED:
        if name != "person_name_search" or isinstance(database, pw.PostgresqlDatabase):
            migrator.sql(f"DROP INDEX IF EXISTS {name}")
