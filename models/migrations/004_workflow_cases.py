"""Migration 004_workflow_cases (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    

    @migrator.create_model
    class WorkflowDiagram(pw.Model):
        id = pw.AutoField()
        chain = pw.CharField(max_length=40)
        version = pw.IntegerField()
        xml = pw.TextField()
        sha256 = pw.CharField(max_length=64)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        uploaded_at = pw.DateTimeField()
        note = pw.CharField(default='', max_length=200)

        class Meta:
            table_name = "workflow_diagram"
            indexes = [(('chain', 'version'), True)]

    @migrator.create_model
    class WorkflowCase(pw.Model):
        id = pw.AutoField()
        diagram = pw.ForeignKeyField(column_name='diagram_id', field='id', model=migrator.orm['workflow_diagram'], on_delete='RESTRICT')
        chain = pw.CharField(index=True, max_length=40)
        subject_model = pw.CharField(max_length=40)
        subject_id = pw.IntegerField()
        title = pw.CharField(max_length=200)
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], null=True, on_delete='RESTRICT')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        started_by = pw.ForeignKeyField(column_name='started_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        started_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        state = pw.TextField()
        finished = pw.BooleanField(default=False, index=True)
        outcome = pw.CharField(max_length=20, null=True)

        class Meta:
            table_name = "workflow_case"
            indexes = [(('subject_model', 'subject_id'), False)]

    @migrator.create_model
    class WorkflowEvent(pw.Model):
        id = pw.AutoField()
        case = pw.ForeignKeyField(column_name='case_id', field='id', model=migrator.orm['workflow_case'], on_delete='CASCADE')
        at = pw.DateTimeField()
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        actor_name = pw.CharField(default='', max_length=50)
        step = pw.CharField(max_length=100)
        action = pw.CharField(max_length=20)
        comment = pw.TextField(default='')

        class Meta:
            table_name = "workflow_event"
            indexes = [(('case', 'at'), False)]

    @migrator.create_model
    class WorkflowTask(pw.Model):
        id = pw.AutoField()
        case = pw.ForeignKeyField(column_name='case_id', field='id', model=migrator.orm['workflow_case'], on_delete='CASCADE')
        task_id = pw.CharField(max_length=40)
        bpmn_id = pw.CharField(max_length=80)
        name = pw.CharField(max_length=100)
        lane = pw.CharField(max_length=20)
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], null=True, on_delete='RESTRICT')
        assignee = pw.ForeignKeyField(column_name='assignee_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        due = pw.DateField(null=True)
        created_at = pw.DateTimeField()
        status = pw.CharField(default='open', max_length=10)
        completed_by = pw.ForeignKeyField(column_name='completed_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        completed_at = pw.DateTimeField(null=True)
        decision = pw.CharField(max_length=20, null=True)
        comment = pw.TextField(default='')

        class Meta:
            table_name = "workflow_task"
            indexes = [(('status', 'lane', 'division'), False), (('status', 'assignee'), False), (('status', 'due'), False), (('case', 'task_id'), True)]

def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    

    migrator.remove_model('workflow_task')

    migrator.remove_model('workflow_event')

    migrator.remove_model('workflow_case')

    migrator.remove_model('workflow_diagram')
