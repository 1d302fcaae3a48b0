"""The archive of issued documents (发文存档, R-RPT-1, R-AUD-1).

Every official PDF that leaves the system is kept here with its document number, the snapshot of results it
was drawn from and the SHA-256 of its bytes. A row is written once and never changed or deleted: a notice
corrected after an upheld appeal (R-APL-2) is a new numbered document whose `replaces` names the old one.

The PDF itself is a BLOB in the same row, not a file beside the database: the number, the record and the bytes
commit in one transaction (no orphan files, no rows pointing at a lost file) and one database backup holds the
whole archive. A notice is about 250 KB (its font subsets are embedded), so a 1,000-person bureau adds some
300 MB a year: fine for PostgreSQL; on SQLite it is the largest table, still one file to back up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw

from models.base import BaseModel
from models.org import Division, Person
from models.results import ScoreSnapshot

DOCUMENT_KINDS = (
    ("monthly", "月度组织绩效考核结果通报"),
    ("annual", "年度绩效考核结果通报"),
    ("individual", "个人绩效考核结果通知书"),
    ("letter", "年度工作目标责任状"),
    ("payout_monthly", "月度绩效考核兑现表"),
    ("payout_annual", "年度绩效考核兑现表"),
)


class DocumentImmutable(Exception):  # noqa: N818 - a domain refusal, not a programming error
    """An issued document is never changed or deleted; correct it by re-issuing (R-AUD-1)."""


class IssuedDocument(BaseModel):
    """已发文件: one numbered PDF as issued, with what it was made from.

    `year` (and `month`) is the period assessed; `doc_year`/`seq` are the per-year document number, usually the
    year of issue. `division` and `person` say whose document it is (a division's target letter, a person's
    notice); both are empty for the bureau-wide notices. `snapshot` is empty only for the target letter, which
    is drawn from the approved targets rather than from results.
    """

    kind = pw.CharField(max_length=20, choices=DOCUMENT_KINDS)
    year = pw.IntegerField()
    month = pw.IntegerField(null=True)
    division = pw.ForeignKeyField(Division, null=True, backref="documents", on_delete="RESTRICT")
    person = pw.ForeignKeyField(Person, null=True, backref="documents", on_delete="RESTRICT")
    prefix = pw.CharField(max_length=20)
    doc_year = pw.IntegerField()
    seq = pw.IntegerField()
    number = pw.CharField(max_length=40, unique=True)
    title = pw.CharField(max_length=200)
    snapshot = pw.ForeignKeyField(ScoreSnapshot, null=True, backref="documents", on_delete="RESTRICT")
    sha256 = pw.CharField(max_length=64)
    size = pw.IntegerField()
    pdf = pw.BlobField()
    issued_at = pw.DateTimeField(default=dt.datetime.now)
    issued_by = pw.ForeignKeyField(Person, null=True, backref="issued_documents", on_delete="RESTRICT")
    replaces = pw.ForeignKeyField("self", null=True, unique=True, backref="replaced_by")
    reason = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "issued_document"
        audit_exclude = ("pdf",)
        indexes = (
            (("prefix", "doc_year", "seq"), True),
            (("kind", "year", "month"), False),
        )

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> int:
        if self._pk is not None and not kwargs.get("force_insert"):
            raise DocumentImmutable(f"{self.number}已发出，不能修改；如需更正请重新出具")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args: Any, **kwargs: Any) -> int:
        raise DocumentImmutable(f"{self.number}已发出，不能删除")
