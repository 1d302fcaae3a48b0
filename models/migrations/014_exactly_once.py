"""Migration 014_exactly_once (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator

PENDING = "('submitted', 'in_review', 'returned')"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """R-WF-1, R-SCP-3, R-RUN-7 (issue 10 §2): the database itself keeps a double click from making two of
    anything. One open case per record; one pending exemption per person; one pending extra-time claim per
    person, day and bulletin; and the one-time tokens of the portal's forms (services/once.py).

    Duplicates made before this migration are settled first, keeping the oldest: a later open case of the same
    record ends with the outcome "duplicate" and its open tasks are cancelled; a later pending application is
    rejected. Partial indexes work alike on SQLite and PostgreSQL."""
    migrator.run(_settle_duplicates, database)
    migrator.sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS workflowcase_one_open_per_subject "
        "ON workflow_case (subject_model, subject_id) WHERE NOT finished"
    )
    migrator.sql(
        f"CREATE UNIQUE INDEX IF NOT EXISTS exemption_one_pending_per_person ON exemption (person_id) "
        f"WHERE status IN {PENDING}"
    )
    migrator.sql(
        f"CREATE UNIQUE INDEX IF NOT EXISTS extratimeclaim_one_pending_per_day ON extra_time_claim "
        f"(person_id, date, bulletin) WHERE status IN {PENDING}"
    )
    migrator.sql(
        "CREATE TABLE IF NOT EXISTS form_token ("
        "token VARCHAR(64) NOT NULL PRIMARY KEY, person_id INTEGER NOT NULL, "
        "used_at TIMESTAMP NOT NULL, result VARCHAR(100))"
    )
    migrator.sql("CREATE INDEX IF NOT EXISTS formtoken_used_at ON form_token (used_at)")


def _settle_duplicates(database: pw.Database) -> None:
    def rows(sql: str) -> list[tuple]:
        return list(database.execute_sql(sql).fetchall())

    true = "TRUE" if isinstance(database, pw.PostgresqlDatabase) else "1"
    later_cases = rows(
        "SELECT c.id FROM workflow_case c WHERE NOT c.finished AND EXISTS (SELECT 1 FROM workflow_case o "
        "WHERE o.subject_model = c.subject_model AND o.subject_id = c.subject_id AND NOT o.finished AND o.id < c.id)"
    )
    for table, columns, chain_model in (
        ("exemption", ("person_id",), "Exemption"),
        ("extra_time_claim", ("person_id", "date", "bulletin"), "ExtraTimeClaim"),
    ):
        same = " AND ".join(f"o.{c} = r.{c}" for c in columns)
        later = rows(
            f"SELECT r.id FROM {table} r WHERE r.status IN {PENDING} AND EXISTS (SELECT 1 FROM {table} o "  # noqa: S608
            f"WHERE {same} AND o.status IN {PENDING} AND o.id < r.id)"
        )
        for (record_id,) in later:
            database.execute_sql(f"UPDATE {table} SET status = 'rejected' WHERE id = {int(record_id)}")  # noqa: S608
            later_cases += rows(
                f"SELECT id FROM workflow_case WHERE subject_model = '{chain_model}' "  # noqa: S608
                f"AND subject_id = {int(record_id)} AND NOT finished"
            )
    for (case_id,) in sorted(set(later_cases)):
        database.execute_sql(
            f"UPDATE workflow_case SET finished = {true}, outcome = 'duplicate' WHERE id = {int(case_id)}"  # noqa: S608
        )
        database.execute_sql(
            f"UPDATE workflow_task SET status = 'cancelled' WHERE case_id = {int(case_id)} AND status = 'open'"  # noqa: S608
        )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("DROP TABLE IF EXISTS form_token")
    migrator.sql("DROP INDEX IF EXISTS extratimeclaim_one_pending_per_day")
    migrator.sql("DROP INDEX IF EXISTS exemption_one_pending_per_person")
    migrator.sql("DROP INDEX IF EXISTS workflowcase_one_open_per_subject")
