"""Accounts and sessions (R-SEC-1, issue 9 §7): who may create accounts and set passwords and roles, the password
policy, logins with a lockout, and the session version that ends a person's sessions.

The rights, decided here once — the admin Person view, the command line and the tests all call these functions:
- a system administrator (`Person.system_admin`, role "sysadmin") creates accounts and sets the username, the
  password, the position, office / party-group / system-administrator membership and `active` of everyone but
  themselves. Nobody changes their own roles or account here; their own password only by `change_own_password`.
- the performance office and the director (`access.manages_reference_data`) edit the organisation fields of people
  (code, name, division, level, employment, joined, left, language), and so does a system administrator.
- the command line (actor None) is the operator of the server and may do everything.

A password set by someone else (a new account, a reset) must be changed at the person's next login
(`must_change_password`). Raising `session_version` ends every session of the person: the portal stores the
version at login and compares it on each request. Refusals are `AccountRefused(code, **values)`; the portal words them.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import peewee as pw

from models import Person, db
from services import clock
from services.access import manages_reference_data

ORGANISATION_FIELDS = ("code", "name", "division", "level", "employment", "joined", "left", "locale")
ROLE_FIELDS = ("position", "office_member", "party_group_member", "system_admin")
ACCOUNT_FIELDS = ("username", "active", *ROLE_FIELDS)
PASSWORD = "password"  # noqa: S105 - the name of the pseudo-field, not a password
PERSON_FIELDS = ORGANISATION_FIELDS + ACCOUNT_FIELDS

MIN_PASSWORD_LENGTH = 10
LOCK_AFTER = 5  # wrong passwords in a row
LOCK_MINUTES = 15


class AccountRefused(Exception):  # noqa: N818 - a refusal shown to the user, not a programming error
    """A refused account action: `code` says why, `values` fill the message (e.g. `until` of a lock)."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


# ---- who may do what --------------------------------------------------------------------------------


def editable_fields(actor: Person | None, person: Person | None) -> frozenset[str]:
    """The Person fields (and PASSWORD) `actor` may set on `person`; `person` None means a new account."""
    if actor is None:
        return frozenset(PERSON_FIELDS) | {PASSWORD}
    fields: set[str] = set()
    if actor.system_admin or (person is not None and manages_reference_data(actor)):
        fields.update(ORGANISATION_FIELDS)
    if may_manage_account(actor, person):
        fields.update(ACCOUNT_FIELDS)
        fields.add(PASSWORD)
    return frozenset(fields)


def may_manage_account(actor: Person | None, person: Person | None) -> bool:
    """A system administrator for anyone but themselves (None: a new account), or the command line."""
    return actor is None or (actor.system_admin and (person is None or person.id != actor.id))


def may_create(actor: Person | None) -> bool:
    return may_manage_account(actor, None)


def may_edit(actor: Person | None, person: Person) -> bool:
    return bool(editable_fields(actor, person))


def may_delete(actor: Person | None, person: Person) -> bool:
    return may_manage_account(actor, person)


def _refuse(actor: Person | None, person: Person | None, fields: set[str]) -> None:
    allowed = editable_fields(actor, person)
    refused = fields - allowed
    if not refused:
        return
    if actor is not None and person is not None and actor.id == person.id and refused & {*ACCOUNT_FIELDS, PASSWORD}:
        raise AccountRefused("own_account")
    if refused & {*ACCOUNT_FIELDS, PASSWORD} or person is None:
        raise AccountRefused("sysadmin_only")
    raise AccountRefused("not_allowed")


# ---- passwords --------------------------------------------------------------------------------------


def check_password_policy(password: str, username: str | None) -> None:
    """At least MIN_PASSWORD_LENGTH characters, and not the username nor containing it (case-insensitive)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountRefused("password_too_short", min=MIN_PASSWORD_LENGTH)
    if username and username.strip().lower() in password.lower():
        raise AccountRefused("password_contains_username")


def _end_sessions(person: Person) -> None:
    person.session_version = (person.session_version or 0) + 1


def _set_initial_password(person: Person, password: str) -> None:
    """A password someone else chose: the person must change it at the next login; their sessions end."""
    check_password_policy(password, person.username)
    person.set_password(password)
    person.must_change_password = True
    person.failed_logins = 0
    person.locked_until = None
    _end_sessions(person)


# ---- system administration ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value._pk if isinstance(value, pw.Model) else value


def _changed(person: Person, changes: dict[str, Any]) -> dict[str, Any]:
    """The entries of `changes` that differ from the person's stored values (foreign keys compared by id)."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not a person field: {sorted(unknown)}")
    return {name: value for name, value in changes.items() if _plain(value) != person.__data__.get(name)}


def create_account(actor: Person | None, *, password: str | None = None, **fields: Any) -> Person:
    """A new person (with a login when `username` and `password` are given), by a system administrator or the
    command line. The initial password must be changed at the first login."""
    if not may_create(actor):
        raise AccountRefused("sysadmin_only")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not a person field: {sorted(unknown)}")
    if "username" in fields:
        fields["username"] = (fields["username"] or "").strip() or None
    person = Person(**fields)
    if password:
        _set_initial_password(person, password)
    with db.atomic():
        person.save()
    return person


def update_person(
    actor: Person | None, person: Person, changes: dict[str, Any], *, password: str | None = None
) -> Person:
    """Apply `changes` (field name -> value) and a new `password`, all or nothing: any value the actor may not set
    refuses the whole change. Unchanged values are no change, so a form may post back what it showed."""
    changes = dict(changes)
    if "username" in changes:
        changes["username"] = (changes["username"] or "").strip() or None
    changed = _changed(person, changes)
    _refuse(actor, person, set(changed) | ({PASSWORD} if password else set()))
    for name, value in changed.items():
        setattr(person, name, value)
    if password:
        _set_initial_password(person, password)
    if changed.get("active") is False:
        _end_sessions(person)
    with db.atomic():
        person.save()
    return person


def set_password(actor: Person | None, person: Person, password: str) -> Person:
    """A system administrator resets someone's password; they must change it at their next login."""
    return update_person(actor, person, {}, password=password)


def set_roles(actor: Person | None, person: Person, **roles: Any) -> Person:
    """Position and office / party-group / system-administrator membership: `set_roles(a, p, office_member=True)`."""
    unknown = set(roles) - set(ROLE_FIELDS)
    if unknown:
        raise ValueError(f"not a role field: {sorted(unknown)}")
    return update_person(actor, person, roles)


def deactivate(actor: Person | None, person: Person) -> Person:
    """No more logins; every open session of the person ends."""
    return update_person(actor, person, {"active": False})


def unlock(actor: Person | None, person: Person) -> Person:
    """Lift a lockout before it runs out."""
    _refuse(actor, person, {PASSWORD})
    person.failed_logins = 0
    person.locked_until = None
    with db.atomic():
        person.save()
    return person


def check_may_delete(actor: Person | None, person: Person) -> None:
    """Deleting a person is an account change (prefer `deactivate`: their records keep their name)."""
    _refuse(actor, person, {PASSWORD})


# ---- the person themselves --------------------------------------------------------------------------


def change_own_password(person: Person, current: str, new: str) -> Person:
    """The person chooses a new password, proving the current one. Their other sessions end: the caller keeps
    the current one by storing the new `session_version` in it."""
    if not person.check_password(current):
        raise AccountRefused("wrong_current_password")
    check_password_policy(new, person.username)
    if new == current:
        raise AccountRefused("password_unchanged")
    person.set_password(new)
    person.must_change_password = False
    _end_sessions(person)
    with db.atomic():
        person.save()
    return person


def end_sessions(person: Person) -> Person:
    """End every session of the person (logout ends them all, on every device)."""
    _end_sessions(person)
    with db.atomic():
        person.save()
    return person


# ---- logging in -------------------------------------------------------------------------------------


@functools.cache
def _dummy_hash() -> str:
    dummy = Person()
    dummy.set_password("no such user")
    return dummy.password_hash


def authenticate(
    username: str, password: str, *, lock_after: int = LOCK_AFTER, lock_minutes: int = LOCK_MINUTES
) -> Person:
    """The active person with this username and password. Otherwise `AccountRefused("wrong_credentials")` — the
    same for an unknown name and a wrong password, after the same hashing work — or `AccountRefused("locked",
    until=…)` while the account is locked. The `lock_after`-th wrong password in a row locks it for
    `lock_minutes` (stored on the person, so the audit trail shows it); a right one resets the count."""
    person = Person.get_or_none((Person.username == username.strip()) & (Person.active == True))  # noqa: E712
    if person is None or not person.password_hash:
        Person(password_hash=_dummy_hash()).check_password(password)
        raise AccountRefused("wrong_credentials")
    now = clock.now()
    if person.locked_until is not None and person.locked_until > now:
        raise AccountRefused("locked", until=person.locked_until)
    if person.check_password(password):
        if person.failed_logins or person.locked_until is not None:
            person.failed_logins = 0
            person.locked_until = None
            with db.atomic():
                person.save()
        return person
    until = _count_failure(person, now, lock_after, lock_minutes)
    if until is not None:
        raise AccountRefused("locked", until=until)
    raise AccountRefused("wrong_credentials")


def _count_failure(person: Person, now: dt.datetime, lock_after: int, lock_minutes: int) -> dt.datetime | None:
    """Count a wrong password in one UPDATE (parallel attempts all count); lock at the threshold."""
    with db.atomic():
        Person.update(failed_logins=Person.failed_logins + 1).where(Person.id == person.id).execute()
        fresh = Person.get_by_id(person.id)
        if fresh.failed_logins < lock_after:
            return None
        fresh.failed_logins = 0
        fresh.locked_until = now.replace(microsecond=0) + dt.timedelta(minutes=lock_minutes)
        fresh.save()
    return fresh.locked_until
