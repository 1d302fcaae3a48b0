"""Approval cases run by the BPMN engine (R-WF-1, R-WF-2): diagram versions stored once, each case's engine state
without its diagram, an indexed table of open human tasks kept in step with the engine, and the case history."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from models.base import BaseModel
from models.org import Division, Person


class WorkflowDiagram(BaseModel):
    """A version of a chain's BPMN diagram; new cases start on the newest, running ones keep theirs."""

    chain = pw.CharField(max_length=40)
    version = pw.IntegerField()
    xml = pw.TextField()
    sha256 = pw.CharField(max_length=64)
    uploaded_by = pw.ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    uploaded_at = pw.DateTimeField(default=dt.datetime.now)
    note = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "workflow_diagram"
        indexes = ((("chain", "version"), True),)
        audit_exclude = ("xml",)

    def __str__(self) -> str:
        return f"{self.chain} v{self.version}"


class WorkflowCase(BaseModel):
    """One running or finished approval of one record (the subject)."""

    diagram = pw.ForeignKeyField(WorkflowDiagram, backref="cases", on_delete="RESTRICT")
    chain = pw.CharField(max_length=40, index=True)
    subject_model = pw.CharField(max_length=40)
    subject_id = pw.IntegerField()
    title = pw.CharField(max_length=200)
    division = pw.ForeignKeyField(Division, null=True, on_delete="RESTRICT")
    person = pw.ForeignKeyField(Person, null=True, backref="cases", on_delete="RESTRICT")
    started_by = pw.ForeignKeyField(Person, null=True, backref="cases_started", on_delete="RESTRICT")
    started_at = pw.DateTimeField(default=dt.datetime.now)
    updated_at = pw.DateTimeField(default=dt.datetime.now)
    state = pw.TextField()
    finished = pw.BooleanField(default=False, index=True)
    outcome = pw.CharField(max_length=20, null=True)

    class Meta:
        table_name = "workflow_case"
        indexes = ((("subject_model", "subject_id"), False),)
        audit_exclude = ("state",)


class WorkflowTask(BaseModel):
    """A human task of a case: open ones are what the task list shows (R-WF-2)."""

    case = pw.ForeignKeyField(WorkflowCase, backref="tasks", on_delete="CASCADE")
    task_id = pw.CharField(max_length=40)
    bpmn_id = pw.CharField(max_length=80)
    name = pw.CharField(max_length=100)
    lane = pw.CharField(max_length=20)
    division = pw.ForeignKeyField(Division, null=True, on_delete="RESTRICT")
    assignee = pw.ForeignKeyField(Person, null=True, backref="assigned_tasks", on_delete="RESTRICT")
    due = pw.DateField(null=True)
    created_at = pw.DateTimeField(default=dt.datetime.now)
    status = pw.CharField(max_length=10, default="open")
    completed_by = pw.ForeignKeyField(
        Person, null=True, backref="completed_tasks", on_delete="RESTRICT", index=False
    )  # indexed with completed_at below
    completed_at = pw.DateTimeField(null=True)
    decision = pw.CharField(max_length=20, null=True)
    comment = pw.TextField(default="")

    class Meta:
        table_name = "workflow_task"
        indexes = (
            (("status", "lane", "division"), False),
            (("status", "assignee"), False),
            (("status", "due"), False),
            (("case", "task_id"), True),
            (("completed_by", "completed_at"), False),  # 已办, newest first
        )


class WorkflowEvent(BaseModel):
    """The history of a case: who did what, when, with which comment."""

    case = pw.ForeignKeyField(WorkflowCase, backref="events", on_delete="CASCADE")
    at = pw.DateTimeField(default=dt.datetime.now)
    actor = pw.ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    actor_name = pw.CharField(max_length=50, default="")
    step = pw.CharField(max_length=100)
    action = pw.CharField(max_length=20)
    comment = pw.TextField(default="")

    class Meta:
        table_name = "workflow_event"
        indexes = ((("case", "at"), False),)
