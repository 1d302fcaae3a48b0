"""A small bureau for the admin tests: my division, another division, and one person of each role."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import openpyxl

from models import Division, Person
from portal.admin_views.views import VIEWS
from tests.factories import make_division, make_leader_of, make_person, open_year

ROLES = ("staff", "head", "leader", "office", "director")
MANAGERS = {"office", "director"}
MODELS = [model for _, model, _, _ in VIEWS]


@dataclass
class World:
    mine: Division
    other: Division
    staff: Person
    colleague: Person
    head: Person
    leader: Person
    office: Person
    director: Person
    other_staff: Person

    def role(self, name: str) -> Person:
        return getattr(self, name)


def build_world() -> World:
    open_year(2023)  # the demo year: its work may be logged
    mine = make_division(name="规划管理处")
    other = make_division(name="用地规划处")
    return World(
        mine=mine,
        other=other,
        staff=make_person(division=mine, name="张工作"),
        colleague=make_person(division=mine, name="李同事"),
        head=make_person(division=mine, position="head", name="王处长"),
        leader=make_leader_of(mine, name="赵分管"),
        office=make_person(office_member=True, division=make_division(name="办公室"), name="钱绩效"),
        director=make_person(position="director", division=None, name="孙局长"),
        other_staff=make_person(division=other, name="周外处"),
    )


def endpoint(model: type) -> str:
    return model.__name__.lower()


def shows_id(html: str, record_id: int) -> bool:
    """Whether the list page links to the record (its row actions carry `?id=<pk>`)."""
    return re.search(rf"[?&]id={record_id}(?!\d)", html) is not None


def xlsx_rows(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list(book.active.iter_rows(values_only=True))
