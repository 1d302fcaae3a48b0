"""Peewee migrations -- 005_covering_index_for_confirmed_hours.py.

Some examples (model - class or model name)::

    > Model = migrator.orm['table_name']            # Return model in current state by name
    > Model = migrator.ModelClass                   # Return model in current state by name

    > migrator.sql(sql)                             # Run custom SQL
    > migrator.run(func, *args, **kwargs)           # Run python function with the given args
    > migrator.create_model(Model)                  # Create a model (could be used as decorator)
    > migrator.remove_model(model, cascade=True)    # Remove a model
    > migrator.add_fields(model, **fields)          # Add fields (allow_not_null=True skips default)
    > migrator.change_fields(model, **fields)       # Change fields
    > migrator.remove_fields(model, *field_names, cascade=True)
    > migrator.rename_field(model, old_field_name, new_field_name)
    > migrator.rename_table(model, new_table_name)
    > migrator.add_index(model, *col_names, unique=False)
    > migrator.add_not_null(model, *field_names)
    > migrator.add_default(model, field_name, default)
    > migrator.add_constraint(model, name, sql)
    > migrator.drop_index(model, *col_names)
    > migrator.drop_not_null(model, *field_names)
    > migrator.drop_constraints(model, *constraints)

"""

from contextlib import suppress

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator

with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext

def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """A covering index for the yearly sum of confirmed hours (index-only scan at city scale)."""
    migrator.sql("DROP INDEX IF EXISTS worklogentry_person_id_date")
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS worklogentry_person_id_date_status_confirmed_hours "
        "ON work_log_entry (person_id, date, status, confirmed_hours)"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    migrator.sql("DROP INDEX IF EXISTS worklogentry_person_id_date_status_confirmed_hours")
    migrator.sql("CREATE INDEX IF NOT EXISTS worklogentry_person_id_date ON work_log_entry (person_id, date)")

