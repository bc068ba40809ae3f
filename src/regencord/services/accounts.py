"""Use cases: accounts (add, list, disable, change password, change sites) and who acts.

Rules:

- A user name is 2 to 100 characters: lower-case letters, digits, ``.``, ``_``, ``-``,
  starting with a letter or digit. Names are never reused: an account is disabled, not
  deleted.
- The first account must be an admin. Once any account exists, accounts are changed only
  by an active admin account (:func:`acting_user`): the CLI's ``--user`` names it.
- A database with no accounts behaves as before accounts existed: any ``--user`` acts
  (the single-user embedded case); :func:`acting_user` returns ``None`` then.
- Sites are given as ``CODE`` (that site code in every trial that has it) or
  ``TRIAL/CODE`` (one trial's site).
- Every change is in the audit trail (table ``account``, one row per changed field; the
  password as ``(set)``/``(changed)``, never its hash).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from regencord.services.access import Actor
from regencord.services.errors import (
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    invalid,
)
from regencord.services.passwords import check_rules, hash_password
from regencord.services.unit import read_unit, unit_of_work
from regencord.store.db import Database
from regencord.store.models import Account, AuditEntry, Role, Site, Trial
from regencord.store.models.base import utcnow

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,99}")
ACCOUNT_TABLE = "account"


@dataclass(frozen=True)
class AccountView:
    id: int
    username: str
    role: Role
    active: bool
    sites: tuple[str, ...]
    """``TRIAL/CODE`` of each site."""
    created_at: datetime
    changed_at: datetime


def site_label(site: Site) -> str:
    return f"{site.trial.code}/{site.code}"


def summary(account: Account) -> AccountView:
    return AccountView(
        id=account.id,
        username=account.username,
        role=account.role,
        active=account.active,
        sites=tuple(site_label(s) for s in account.sites),
        created_at=account.created_at,
        changed_at=account.changed_at,
    )


def actor_of(account: Account) -> Actor:
    return Actor(account.username, account.role, frozenset(s.id for s in account.sites))


def audit(
    session: Session,
    *,
    user: str,
    action: str,
    record_id: int,
    field: str | None,
    old: str | None = None,
    new: str | None = None,
    reason: str | None = None,
) -> None:
    """One audit-trail row about an account (its change, a sign-in, a token)."""
    entry = AuditEntry(user=user, action=action, table=ACCOUNT_TABLE, record_id=record_id)
    entry.field, entry.old_value, entry.new_value, entry.reason = field, old, new, reason
    session.add(entry)


def any_account(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(Account.id.is_not(None)))))


def find_account(session: Session, username: str) -> Account:
    account = session.scalar(
        select(Account).where(Account.username == username).options(selectinload(Account.sites))
    )
    if account is None:
        raise NotFound(f"account {username!r} does not exist")
    return account


def acting_user(db: Database, name: str) -> Actor | None:
    """The account a CLI user acts as: ``None`` while the database has no account (anyone
    acts, as before accounts existed); else the active account ``name``, or
    :class:`NotAuthenticated`."""
    with read_unit(db, user=name) as session:
        return acting_in(session, name)


def acting_in(session: Session, name: str) -> Actor | None:
    if not any_account(session):
        return None
    account = session.scalar(
        select(Account).where(Account.username == name).options(selectinload(Account.sites))
    )
    if account is None or not account.active:
        raise NotAuthenticated(
            f"{name!r} is not an active account: once accounts exist, the acting user "
            "must name one",
            field="user",
        )
    return actor_of(account)


def require_admin(session: Session, user: str) -> None:
    actor = acting_in(session, user)
    if actor is not None and actor.role is not Role.ADMIN:
        raise PermissionDenied(f"{user} ({actor.role.value}) may not manage accounts")


def _sites(session: Session, record: str, specs: Iterable[str]) -> list[Site]:
    found: list[Site] = []
    for spec in specs:
        trial_code, _, code = spec.rpartition("/")
        query = select(Site).join(Trial).where(Site.code == code, Site.deleted_at.is_(None))
        if trial_code:
            query = query.where(Trial.code == trial_code)
        sites = list(session.scalars(query.order_by(Site.id)))
        if not sites:
            raise invalid(record, "site", spec, "is not a site of any trial")
        found.extend(s for s in sites if s not in found)
    return found


def _role(record: str, role: str | Role) -> Role:
    try:
        return Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise invalid(record, "role", role, f"is not a role (one of {roles})") from None


def add_account(
    db: Database,
    *,
    user: str,
    username: str,
    role: str | Role,
    password: str,
    sites: Sequence[str] = (),
) -> AccountView:
    """Create an account (see the module's rules)."""
    record = f"account {username}"
    if not USERNAME.fullmatch(username):
        raise invalid(
            record,
            "username",
            username,
            "must be 2 to 100 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
        )
    chosen = _role(record, role)
    check_rules(record, password)
    with unit_of_work(db, user=user) as session:
        first = not any_account(session)
        if first and chosen is not Role.ADMIN:
            raise invalid(record, "role", chosen.value, "must be admin for the first account")
        require_admin(session, user)
        if session.scalar(select(Account.id).where(Account.username == username)) is not None:
            raise invalid(record, "username", username, "is already taken")
        account = Account(username=username, role=chosen, password_hash=hash_password(password))
        account.sites = _sites(session, record, sites)
        session.add(account)
        session.flush()
        for field, value in (
            ("username", username),
            ("role", chosen.value),
            ("active", "True"),
            ("sites", ", ".join(site_label(s) for s in account.sites)),
            ("password", "(set)"),
        ):
            audit(session, user=user, action="insert", record_id=account.id, field=field, new=value)
        return summary(account)


def list_accounts(db: Database, *, user: str) -> list[AccountView]:
    """Every account, by name (an admin's read once accounts exist)."""
    with read_unit(db, user=user) as session:
        require_admin(session, user)
        accounts = session.scalars(
            select(Account).order_by(Account.username).options(selectinload(Account.sites))
        )
        return [summary(a) for a in accounts]


def disable_account(
    db: Database, *, user: str, username: str, reason: str | None = None
) -> AccountView:
    """Disable an account: it can no longer sign in, act in the CLI, or use its tokens."""
    with unit_of_work(db, user=user, reason=reason) as session:
        require_admin(session, user)
        account = find_account(session, username)
        if account.active:
            if account.username == user:
                raise invalid(f"account {username}", "active", None, "cannot disable yourself")
            account.active = False
            audit(
                session,
                user=user,
                action="update",
                record_id=account.id,
                field="active",
                old="True",
                new="False",
                reason=reason,
            )
        return summary(account)


def set_password(db: Database, *, user: str, username: str, password: str) -> AccountView:
    """Set an account's password (admins, or anyone for the account they act as)."""
    record = f"account {username}"
    check_rules(record, password)
    with unit_of_work(db, user=user) as session:
        if user != username:
            require_admin(session, user)
        else:
            acting_in(session, user)
        account = find_account(session, username)
        account.password_hash = hash_password(password)
        audit(
            session,
            user=user,
            action="update",
            record_id=account.id,
            field="password",
            new="(changed)",
        )
        return summary(account)


def change_sites(
    db: Database,
    *,
    user: str,
    username: str,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> AccountView:
    """Add sites to an account and remove others (a site both added and removed: removed)."""
    record = f"account {username}"
    with unit_of_work(db, user=user) as session:
        require_admin(session, user)
        account = find_account(session, username)
        before = ", ".join(site_label(s) for s in account.sites)
        dropped = _sites(session, record, remove)
        kept = [s for s in account.sites if s not in dropped]
        kept += [s for s in _sites(session, record, add) if s not in kept and s not in dropped]
        account.sites = sorted(kept, key=lambda s: s.id)
        after = ", ".join(site_label(s) for s in account.sites)
        if after != before:
            account.changed_at = utcnow()
            audit(
                session,
                user=user,
                action="update",
                record_id=account.id,
                field="sites",
                old=before,
                new=after,
            )
        return summary(account)
