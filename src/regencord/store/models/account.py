"""Accounts of the people who use regencord, their sites, their API tokens, and failed
sign-ins (for throttling).

These are not clinical records (:class:`~regencord.store.models.base.Record`): the audit
listeners leave them alone, so a password hash never reaches the audit trail. The account
services write one audit row per account change, sign-in and failed sign-in themselves
(:mod:`regencord.services.accounts`). Nothing here is ever deleted: an account is disabled,
a token revoked.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.store.models.base import Base, utcnow
from regencord.store.models.trial import Site, enum_column


class Role(Enum):
    """What an account may do is its role's (:mod:`regencord.services.access`)."""

    ADMIN = "admin"
    INVESTIGATOR = "investigator"
    ASSESSOR = "assessor"
    MONITOR = "monitor"
    STATISTICIAN = "statistician"
    SAFETY = "safety"


NOT_TRANSFERRED = {"transfer": False}
"""Table ``info`` of the tables a trial export leaves out: accounts are the server's, not
the trial's, and their password and token hashes never leave the database."""

account_site = Table(
    "account_site",
    Base.metadata,
    Column("account_id", ForeignKey("account.id"), primary_key=True),
    Column("site_id", ForeignKey("site.id"), primary_key=True),
    info=NOT_TRANSFERRED,
)
"""Which sites an account belongs to (what an investigator or assessor may see)."""


class Account(Base):
    """A named person with one role; ``password_hash`` is an argon2 hash (PHC string)."""

    __tablename__ = "account"
    __table_args__ = ({"info": NOT_TRANSFERRED},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    active: Mapped[bool] = mapped_column(Boolean, server_default=true(), default=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    sites: Mapped[list[Site]] = relationship(secondary=account_site, order_by=Site.id)
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="account", order_by="ApiToken.id")


class ApiToken(Base):
    """An API token: only the SHA-256 of the token is kept (hex), never the token."""

    __tablename__ = "api_token"
    __table_args__ = ({"info": NOT_TRANSFERRED},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    account: Mapped[Account] = relationship(back_populates="tokens")


class SignInFailure(Base):
    """One failed password sign-in of a user name (existing or not), for throttling."""

    __tablename__ = "sign_in_failure"
    __table_args__ = ({"info": NOT_TRANSFERRED},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
