"""Who may see and change what (R-SEC-1), decided on the server for every read and write.

Staff and deputies see their own records; heads their division; leaders in charge their divisions; the
performance office, the director and the party group everything. The rule lives here once; admin views,
screens and services all ask these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Division, LeaderAssignment, Person

ALL = None  # scope value meaning "no restriction"
MANAGER_ROLES = frozenset({"director", "office"})


@dataclass(frozen=True)
class Scope:
    """What one person may read: `divisions` (None = all) and, for plain staff, only their own person id."""

    person_id: int
    divisions: frozenset[int] | None
    own_only: bool
    can_manage: bool  # office/director: may edit bureau-wide reference data

    @property
    def sees_everything(self) -> bool:
        return self.divisions is None

    def allows_division(self, division_id: int | None) -> bool:
        return self.divisions is None or (division_id is not None and division_id in self.divisions)

    def allows_person(self, person: Person) -> bool:
        if self.divisions is None:
            return True
        if self.own_only:
            return person.id == self.person_id
        return person.division_id in self.divisions or person.id == self.person_id


def led_division_ids(person: Person) -> frozenset[int]:
    query = LeaderAssignment.select(LeaderAssignment.division).where(LeaderAssignment.leader == person)
    return frozenset(row.division_id for row in query)


def manages_reference_data(person: Person) -> bool:
    """The performance office and the director keep the bureau's reference data (`Scope.can_manage`). The system
    administrator's role ("sysadmin") is about accounts only: it widens no scope (services.accounts)."""
    return bool(person.roles & MANAGER_ROLES)


def scope_of(person: Person) -> Scope:
    roles = person.roles
    if roles & {"director", "office", "party_group"}:
        return Scope(person.id, ALL, own_only=False, can_manage=manages_reference_data(person))
    if "leader" in roles:
        return Scope(person.id, led_division_ids(person), own_only=False, can_manage=False)
    own = frozenset({person.division_id}) if person.division_id else frozenset()
    return Scope(person.id, own, own_only="head" not in roles, can_manage=False)


def visible_divisions(person: Person) -> list[Division]:
    scope = scope_of(person)
    query = Division.select().order_by(Division.sort_order, Division.id)
    if scope.divisions is not None:
        query = query.where(Division.id.in_(list(scope.divisions) or [0]))
    return list(query)
