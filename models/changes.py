"""Change requests (变更申请, R-WF-3): a decided record changes only by a request that runs its own chain."""

from __future__ import annotations

import peewee as pw

from models.base import BaseModel, JSONField
from models.guard import ChainOwned
from models.org import Division, Person

CHANGE_STATUSES = (("in_review", "审批中"), ("approved", "已批准"), ("rejected", "未批准"))


class ChangeRequest(BaseModel):
    """变更申请 of one decided record: the values it had and the values proposed (JSON, Decimals as strings).

    `open_slot` is 1 while the request is in review and NULL once decided: the unique index on
    (target_model, target_id, open_slot) lets a record have at most one open request (docs/style.md §15; NULLs
    never collide). `approvers` names the lanes the request's chain passes after the office (head, leader,
    director), fixed when it is proposed. When approved the new values become the record's `version_applied`."""

    target_model = pw.CharField(max_length=40)
    target_id = pw.IntegerField()
    title = pw.CharField(max_length=200)
    division = pw.ForeignKeyField(Division, null=True, backref="change_requests", on_delete="RESTRICT")
    requester = pw.ForeignKeyField(Person, backref="change_requests", on_delete="RESTRICT")
    reason = pw.TextField()
    old_values = JSONField()
    new_values = JSONField()
    approvers = JSONField()
    base_version = pw.IntegerField()
    status = pw.CharField(max_length=10, choices=CHANGE_STATUSES, default="in_review", index=True)
    open_slot = pw.IntegerField(null=True, default=1)
    version_applied = pw.IntegerField(null=True)
    created_at = pw.DateTimeField()
    decided_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "change_request"
        # nothing of a request changes outside its chain: not the values, not its state
        chain_owned = ChainOwned(
            initial="in_review",
            editable=frozenset(),
            deletable=frozenset(),
            chain_fields=("version_applied", "decided_at"),
            label="变更申请",
        )
        indexes = (
            (("target_model", "target_id", "open_slot"), True),
            (("target_model", "target_id", "status"), False),
        )

    def __str__(self) -> str:
        return self.title
