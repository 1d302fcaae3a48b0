"""Migration 013_change_requests (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator

from models.base import JSONField

VERSIONED = ("annual_target", "annual_arrangement", "monthly_plan", "monthly_report", "adjustment")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """R-WF-3: change requests (变更申请) of decided records, and the version number each approved one raises."""

    @migrator.create_model
    class ChangeRequest(pw.Model):
        id = pw.AutoField()
        target_model = pw.CharField(max_length=40)
        target_id = pw.IntegerField()
        title = pw.CharField(max_length=200)
        division = pw.ForeignKeyField(
            column_name="division_id", field="id", model=migrator.orm["division"], null=True, on_delete="RESTRICT"
        )
        requester = pw.ForeignKeyField(
            column_name="requester_id", field="id", model=migrator.orm["person"], on_delete="RESTRICT"
        )
        reason = pw.TextField()
        old_values = JSONField()
        new_values = JSONField()
        approvers = JSONField()
        base_version = pw.IntegerField()
        status = pw.CharField(default="in_review", index=True, max_length=10)
        open_slot = pw.IntegerField(default=1, null=True)
        version_applied = pw.IntegerField(null=True)
        created_at = pw.DateTimeField()
        decided_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "change_request"
            indexes = [
                (("target_model", "target_id", "open_slot"), True),
                (("target_model", "target_id", "status"), False),
            ]

    for table in VERSIONED:
        migrator.add_fields(table, version=pw.IntegerField(default=1))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in VERSIONED:
        migrator.remove_fields(table, "version")
    migrator.remove_model("change_request")
