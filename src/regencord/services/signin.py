"""Use cases: signing in with a password (throttled), API tokens (create, list, revoke) and
authenticating a request by its token.

Rules:

- **Throttling.** After :data:`THROTTLE_FAILURES` failed sign-ins of one user name within
  :data:`THROTTLE_WINDOW`, that name cannot sign in (even with the right password) until
  the oldest of them is older than the window. Unknown names are counted the same way, so
  the answer never reveals whether an account exists. A successful sign-in clears the
  name's failures.
- A wrong password, an unknown name and a disabled account get the same answer.
- **Tokens** are ``rc_`` followed by 43 URL-safe base64 characters (32 random bytes). Only
  their SHA-256 (hex) is stored; the token itself is shown once, when created. A token
  expires after its number of days (default :data:`DEFAULT_TOKEN_DAYS`), can be revoked,
  and stops working when its account is disabled.
- Every sign-in, failed sign-in, token creation and revocation is in the audit trail
  (table ``account``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from regencord.services.access import Actor
from regencord.services.accounts import acting_in, actor_of, audit, find_account, require_admin
from regencord.services.errors import NotAuthenticated, NotFound, PermissionDenied, invalid
from regencord.services.passwords import hash_password, matches, needs_rehash
from regencord.services.unit import read_unit, unit_of_work
from regencord.store.db import Database
from regencord.store.models import Account, ApiToken, Role, SignInFailure
from regencord.store.models.base import utcnow

THROTTLE_FAILURES = 5
"""Failed sign-ins of one user name within :data:`THROTTLE_WINDOW` that stop the next."""

THROTTLE_WINDOW = timedelta(minutes=15)

TOKEN_PREFIX = "rc_"
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650

WRONG = "wrong user name or password"
UNKNOWN_ACCOUNT = 0
"""The audit trail's record id of a failed sign-in under a name no account has."""


@dataclass(frozen=True)
class TokenView:
    id: int
    username: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    token: str
    """The token itself: shown once, never stored."""
    summary: TokenView


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC time (SQLite hands times back naive, in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- passwords


def sign_in(db: Database, username: str, password: str, *, now: datetime | None = None) -> Actor:
    """The account signed in with ``password``, or :class:`NotAuthenticated` (after the
    failure is recorded)."""
    moment = now or utcnow()
    with unit_of_work(db, user=username) as session:
        outcome = _sign_in(session, username, password, moment)
    if isinstance(outcome, NotAuthenticated):
        raise outcome
    return outcome


def _sign_in(
    session: Session, username: str, password: str, now: datetime
) -> Actor | NotAuthenticated:
    account = session.scalar(
        select(Account).where(Account.username == username).options(selectinload(Account.sites))
    )
    record_id = account.id if account is not None else UNKNOWN_ACCOUNT
    since = now - THROTTLE_WINDOW
    failures = list(
        session.scalars(
            select(SignInFailure.at)
            .where(SignInFailure.username == username, SignInFailure.at > since)
            .order_by(SignInFailure.at)
        )
    )
    if len(failures) >= THROTTLE_FAILURES:
        wait = as_utc(failures[-THROTTLE_FAILURES]) + THROTTLE_WINDOW - now
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        audit(
            session,
            user=username,
            action="sign-in-failed",
            record_id=record_id,
            field="username",
            new=username,
            reason="throttled",
        )
        return NotAuthenticated(
            f"too many failed sign-ins for {username!r}: try again in {minutes} minute"
            + ("s" if minutes != 1 else "")
        )
    good = matches(account.password_hash if account is not None else None, password)
    if account is None or not good or not account.active:
        session.add(SignInFailure(username=username, at=now))
        why = "wrong password" if account is not None and not good else None
        why = why or ("unknown user name" if account is None else "account disabled")
        audit(
            session,
            user=username,
            action="sign-in-failed",
            record_id=record_id,
            field="username",
            new=username,
            reason=why,
        )
        return NotAuthenticated(WRONG)
    session.execute(delete(SignInFailure).where(SignInFailure.username == username))
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    audit(session, user=username, action="sign-in", record_id=account.id, field=None)
    return actor_of(account)


# -------------------------------------------------------------------------------- tokens


def _token_summary(token: ApiToken, username: str) -> TokenView:
    return TokenView(
        id=token.id,
        username=username,
        created_at=as_utc(token.created_at),
        expires_at=as_utc(token.expires_at),
        revoked_at=as_utc(token.revoked_at) if token.revoked_at is not None else None,
    )


def _may_manage_tokens_of(session: Session, user: str, username: str) -> None:
    """Admins manage every account's tokens; anyone else only their own."""
    if user == username:
        acting_in(session, user)
    else:
        require_admin(session, user)


def create_token(
    db: Database, *, user: str, username: str, days: int = DEFAULT_TOKEN_DAYS
) -> NewToken:
    """A new API token for ``username``, valid for ``days`` days."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise invalid(f"token of {username}", "days", days, f"must be 1 to {MAX_TOKEN_DAYS}")
    with unit_of_work(db, user=user) as session:
        _may_manage_tokens_of(session, user, username)
        account = find_account(session, username)
        if not account.active:
            raise invalid(f"token of {username}", "account", username, "is disabled")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        row = ApiToken(
            account=account,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        session.add(row)
        session.flush()
        audit(
            session,
            user=user,
            action="token-create",
            record_id=account.id,
            field=f"token {row.id}",
            new=f"expires {row.expires_at.isoformat()}",
        )
        return NewToken(token, _token_summary(row, username))


def list_tokens(db: Database, username: str | None = None, *, user: str) -> list[TokenView]:
    """Every token (of ``username``), oldest first; never the tokens themselves. An admin
    lists anyone's; any other account only its own (another's answers as not found)."""
    with read_unit(db, user=user) as session:
        query = select(ApiToken, Account.username).join(Account).order_by(ApiToken.id)
        actor = acting_in(session, user)
        if actor is not None and actor.role is not Role.ADMIN:
            if username not in (None, user):
                raise NotFound(f"account {username!r} does not exist")
            username = user
        if username is not None:
            find_account(session, username)
            query = query.where(Account.username == username)
        return [_token_summary(token, name) for token, name in session.execute(query)]


def revoke_token(db: Database, *, user: str, token_id: int) -> TokenView:
    """Revoke token ``token_id`` (revoking a revoked token changes nothing)."""
    with unit_of_work(db, user=user) as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            acting_in(session, user)
            raise NotFound(f"token {token_id} does not exist")
        try:
            _may_manage_tokens_of(session, user, row.account.username)
        except PermissionDenied:
            raise NotFound(f"token {token_id} does not exist") from None
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit(
                session,
                user=user,
                action="token-revoke",
                record_id=row.account_id,
                field=f"token {row.id}",
                new="revoked",
            )
        return _token_summary(row, row.account.username)


def authenticate_token(db: Database, token: str, *, now: datetime | None = None) -> Actor:
    """The account a bearer token stands for, or :class:`NotAuthenticated`."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise NotAuthenticated("invalid token")
    moment = now or utcnow()
    with read_unit(db, user="(bearer token)") as session:
        row = session.scalar(
            select(ApiToken)
            .where(ApiToken.token_hash == token_hash(token))
            .options(selectinload(ApiToken.account).selectinload(Account.sites))
        )
        if row is None or row.revoked_at is not None or not row.account.active:
            raise NotAuthenticated("invalid token")
        if as_utc(row.expires_at) <= moment:
            raise NotAuthenticated("the token has expired")
        return actor_of(row.account)


def count_failures(db: Database, username: str) -> int:
    """Failed sign-ins of ``username`` on record (within or beyond the window)."""
    with read_unit(db, user=username) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(SignInFailure)
                .where(SignInFailure.username == username)
            )
            or 0
        )
