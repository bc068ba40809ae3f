"""Who may do what, and see which sites: the roles' permissions as data, one scoping rule.

Every caller (the CLI, the API, the pages) asks here, so they cannot disagree.

- :data:`PERMISSIONS` maps each role to the actions it allows; :func:`require` refuses
  any other with :class:`PermissionDenied`.
- Site scoping: investigators and assessors see the records of their own sites only;
  every other role sees every site (:data:`SITE_SCOPED`). A record of a site the actor
  does not see is reported exactly as a record that does not exist (:class:`NotFound`,
  never :class:`PermissionDenied`), so its existence is not revealed
  (:func:`ensure_visible`, :func:`scoped`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import InstrumentedAttribute

from regencord.services.errors import NotFound, PermissionDenied
from regencord.store.models import Role as Role  # re-exported: the roles front ends offer

S = TypeVar("S", bound=Select[Any])


class Action(StrEnum):
    """Something an account may be allowed to do."""

    CLASSIFY = "classify exams (no data stored)"
    READ_TRIALS = "read trials and their sites"
    READ_RECORDS = "read participants, visits, exams and measures"
    READ_SAFETY = "read adverse events and imaging"
    READ_REPORT = "read the trial report"
    MANAGE_ACCOUNTS = "manage accounts and tokens"
    MANAGE_TRIALS = "manage trials, sites and schedules"
    WRITE_PARTICIPANTS = "enrol participants and change their status"
    ENTER_EXAMS = "enter exams and measures"
    RECORD_SAFETY = "record adverse events and imaging"
    LOCK_VISITS = "lock and unlock visits"
    SIGN_VISITS = "sign visits"
    RAISE_QUERIES = "raise and close data queries"
    ANSWER_QUERIES = "answer data queries"
    EXPORT_PSEUDONYMISED = "export pseudonymised data"
    EXPORT_FULL = "export a whole trial (transfer)"


_READ_ALL = {Action.CLASSIFY, Action.READ_TRIALS, Action.READ_RECORDS, Action.READ_SAFETY}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action) - {Action.SIGN_VISITS},
    Role.INVESTIGATOR: frozenset(
        _READ_ALL
        | {
            Action.READ_REPORT,
            Action.WRITE_PARTICIPANTS,
            Action.ENTER_EXAMS,
            Action.RECORD_SAFETY,
            Action.LOCK_VISITS,
            Action.SIGN_VISITS,
            Action.ANSWER_QUERIES,
        }
    ),
    Role.ASSESSOR: frozenset(
        _READ_ALL | {Action.ENTER_EXAMS, Action.RECORD_SAFETY, Action.ANSWER_QUERIES}
    ),
    Role.MONITOR: frozenset(_READ_ALL | {Action.READ_REPORT, Action.RAISE_QUERIES}),
    Role.STATISTICIAN: frozenset(_READ_ALL | {Action.READ_REPORT, Action.EXPORT_PSEUDONYMISED}),
    Role.SAFETY: frozenset(
        {Action.CLASSIFY, Action.READ_TRIALS, Action.READ_SAFETY, Action.READ_REPORT}
    ),
}
"""Role -> the actions it allows. Admin: everything but signing visits (a signature is an
investigator's). Safety: adverse events, imaging and the report, not the other records."""

SITE_SCOPED = frozenset({Role.INVESTIGATOR, Role.ASSESSOR})
"""Roles that see only the records of their own sites; the others see every site."""


@dataclass(frozen=True)
class Actor:
    """A signed-in account as the services see it: name, role, and its sites' ids."""

    username: str
    role: Role
    sites: frozenset[int] = frozenset()

    @property
    def all_sites(self) -> bool:
        """Whether the actor sees every site."""
        return self.role not in SITE_SCOPED

    def may(self, action: Action) -> bool:
        return action in PERMISSIONS[self.role]

    def sees(self, site_id: int) -> bool:
        return self.all_sites or site_id in self.sites


def require(actor: Actor, action: Action) -> None:
    """Refuse ``action`` unless the actor's role allows it."""
    if not actor.may(action):
        raise PermissionDenied(f"{actor.username} ({actor.role.value}) may not {action.value}")


def ensure_visible(actor: Actor, site_id: int, missing: str) -> None:
    """Refuse a record of site ``site_id`` the actor does not see with ``NotFound(missing)``,
    where ``missing`` is the very message a record that does not exist gets."""
    if not actor.sees(site_id):
        raise NotFound(missing)


def scoped(
    query: S, site_column: ColumnElement[int] | InstrumentedAttribute[int], actor: Actor
) -> S:
    """``query`` restricted to the rows of the sites the actor sees."""
    if actor.all_sites:
        return query
    return query.where(site_column.in_(sorted(actor.sites)))
