"""Migration 003_score_snapshots (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    

    @migrator.create_model
    class ScoreSnapshot(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        version = pw.IntegerField()
        created_at = pw.DateTimeField()
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        reason = pw.CharField(default='', max_length=200)
        input_sha256 = pw.CharField(max_length=64)
        rules = pw.TextField()
        warnings = pw.TextField()
        current = pw.BooleanField(default=False)
        locked = pw.BooleanField(default=False)

        class Meta:
            table_name = "score_snapshot"
            indexes = [(('year', 'version'), True)]

    @migrator.create_model
    class DivisionMonthScore(pw.Model):
        id = pw.AutoField()
        snapshot = pw.ForeignKeyField(column_name='snapshot_id', field='id', model=migrator.orm['score_snapshot'], on_delete='CASCADE')
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        month = pw.IntegerField()
        score = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        deductions = pw.TextField()

        class Meta:
            table_name = "division_month_score"
            indexes = [(('snapshot', 'division', 'month'), True)]

    @migrator.create_model
    class DivisionYearResult(pw.Model):
        id = pw.AutoField()
        snapshot = pw.ForeignKeyField(column_name='snapshot_id', field='id', model=migrator.orm['score_snapshot'], on_delete='CASCADE')
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        monthly_avg = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        mass_evaluation = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        bonus = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        deduction = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        annual = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        per_capita_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        rank = pw.IntegerField()
        tier = pw.CharField(max_length=1)
        vetoed = pw.BooleanField(default=False)

        class Meta:
            table_name = "division_year_result"
            indexes = [(('snapshot', 'division'), True), (('snapshot', 'rank'), False)]

    @migrator.create_model
    class PersonMonthResult(pw.Model):
        id = pw.AutoField()
        snapshot = pw.ForeignKeyField(column_name='snapshot_id', field='id', model=migrator.orm['score_snapshot'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        month = pw.IntegerField()
        legal_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        qualifying_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        performance_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        competitive_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        personal_score = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        composite = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        org_bonus = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=14, null=True, rounding=ROUND_HALF_UP)
        qualifying_bonus = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=14, null=True, rounding=ROUND_HALF_UP)
        competitive_bonus = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=14, null=True, rounding=ROUND_HALF_UP)

        class Meta:
            table_name = "person_month_result"
            indexes = [(('snapshot', 'person', 'month'), True)]

    @migrator.create_model
    class PersonYearResult(pw.Model):
        id = pw.AutoField()
        snapshot = pw.ForeignKeyField(column_name='snapshot_id', field='id', model=migrator.orm['score_snapshot'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], null=True, on_delete='RESTRICT')
        assessed = pw.BooleanField(null=True)
        not_assessed_reason = pw.CharField(max_length=200, null=True)
        performance_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        qualifying_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        time_score = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        personal = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        composite = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        rank_in_division = pw.IntegerField(null=True)
        grade = pw.CharField(max_length=20, null=True)
        division_coefficient = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        personal_coefficient = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        annual_bonus = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=14, null=True, rounding=ROUND_HALF_UP)

        class Meta:
            table_name = "person_year_result"
            indexes = [(('snapshot', 'person'), True), (('snapshot', 'division', 'rank_in_division'), False)]

def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    

    migrator.remove_model('person_year_result')

    migrator.remove_model('person_month_result')

    migrator.remove_model('division_year_result')

    migrator.remove_model('division_month_score')

    migrator.remove_model('score_snapshot')
