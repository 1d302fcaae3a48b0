"""Running the year: item library, daily logs, weekly reviews, extra time (SPEC §4, R-RUN-3..7)."""

from __future__ import annotations

import peewee as pw

from models.base import BaseModel, Hours
from models.guard import ChainOwned
from models.org import Division, Person

LOG_STATUSES = (
    ("draft", "待评定"),
    ("confirmed", "已确认"),
    ("adjusted", "已调整"),
    ("rejected", "未认可"),
)
REVIEW_STATUSES = (("open", "待评定"), ("done", "已评定"))
CLAIM_STATUSES = (
    ("draft", "草稿"),
    ("submitted", "已提交"),
    ("in_review", "审核中"),
    ("approved", "已批准"),
    ("returned", "已退回"),
    ("rejected", "未批准"),
)


class ItemLibraryEntry(BaseModel):
    """事项库 (R-RUN-3): a division's work item with its standard hours per unit."""

    division = pw.ForeignKeyField(Division, backref="library", on_delete="RESTRICT")
    name = pw.CharField(max_length=100)
    unit = pw.CharField(max_length=20, default="件")
    standard_hours = Hours()
    category = pw.CharField(max_length=50, default="")
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "item_library_entry"
        indexes = ((("division", "name"), True),)

    def __str__(self) -> str:
        return f"{self.name}（{self.standard_hours}小时/{self.unit}）"


class WeeklyReview(BaseModel):
    """周评定 (R-RUN-6): the rating of one person's week by the head (staff) or leader in charge (head),
    due by the end of the Tuesday after the week."""

    person = pw.ForeignKeyField(Person, backref="weekly_reviews", on_delete="RESTRICT")
    week_start = pw.DateField()
    rater = pw.ForeignKeyField(Person, null=True, backref="reviews_given", on_delete="RESTRICT")
    due = pw.DateField()
    status = pw.CharField(max_length=10, choices=REVIEW_STATUSES, default="open", index=True)
    rated_at = pw.DateTimeField(null=True)
    late = pw.BooleanField(default=False)
    comment = pw.TextField(default="")

    class Meta:
        table_name = "weekly_review"
        # opened with its chain when a week's first entry is logged; only the rating step changes it
        chain_owned = ChainOwned(
            initial="open",
            editable=frozenset(),
            deletable=frozenset(),
            children_open=frozenset({"open"}),
            label="周评定",
        )
        indexes = ((("person", "week_start"), True), (("status", "due"), False))

    def locked_period(self) -> tuple[int, int | None]:
        return (self.week_start.year, self.week_start.month)


class WorkLogEntry(BaseModel):
    """工作日志 (R-RUN-4): one ticked library item on one day; hours = quantity × standard hours.
    Only confirmed hours count (R-SCO-5, R-RUN-6); editable until reviewed."""

    person = pw.ForeignKeyField(Person, backref="log_entries", on_delete="RESTRICT")
    date = pw.DateField()
    item = pw.ForeignKeyField(ItemLibraryEntry, backref="log_entries", on_delete="RESTRICT")
    quantity = Hours(default=1)
    description = pw.TextField(default="")
    hours = Hours()
    confirmed_hours = Hours(null=True)
    status = pw.CharField(max_length=10, choices=LOG_STATUSES, default="draft")
    review = pw.ForeignKeyField(WeeklyReview, null=True, backref="entries", on_delete="SET NULL")
    review_note = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "work_log_entry"
        chain_owned = ChainOwned(
            editable=frozenset({"draft"}),
            chain_fields=("confirmed_hours", "review_note"),
            parent="review",
            label="工作日志",
        )
        # (person, date, status, confirmed_hours) covers the yearly sum of confirmed hours: an index-only scan
        indexes = ((("person", "date", "status", "confirmed_hours"), False), (("date", "status"), False))

    def locked_period(self) -> tuple[int, int | None]:
        return (self.date.year, self.date.month)


class ExtraTimeClaim(BaseModel):
    """加时申报 (R-RUN-7): extra hours for indicator work, citing the supervision bulletin and a catalogue
    standard; counts only within its own year."""

    person = pw.ForeignKeyField(Person, backref="extra_claims", on_delete="RESTRICT")
    date = pw.DateField()
    hours = Hours()
    bulletin = pw.CharField(max_length=100)
    standard = pw.CharField(max_length=100)
    reason = pw.TextField(default="")
    status = pw.CharField(max_length=10, choices=CLAIM_STATUSES, default="draft", index=True)

    class Meta:
        table_name = "extra_time_claim"
        chain_owned = ChainOwned(label="加时申报")
        indexes = ((("person", "date"), False),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.date.year, self.date.month)
