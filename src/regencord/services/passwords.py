"""Passwords: the rules a new password must meet, argon2 hashing and checking.

Hashes are argon2id PHC strings made with argon2-cffi's default parameters (RFC 9106's
low-memory profile: 3 passes, 64 MiB, 4 lanes); a hash made with older parameters is
replaced at the next successful sign-in (:func:`needs_rehash`).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from regencord.services.errors import invalid

MIN_LENGTH = 12
"""The shortest password accepted, in characters."""

MAX_LENGTH = 1024
"""The longest password accepted: hashing a longer one would only cost time."""

HASHER = PasswordHasher()
"""argon2-cffi's defaults (tests may swap in a cheaper one)."""

_DUMMY_PASSWORD = "not a password of anyone's"
_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash made with the hasher's parameters, checked against when the user name is
    unknown, so that a sign-in takes as long whether or not the account exists."""
    key = f"{HASHER.time_cost}:{HASHER.memory_cost}:{HASHER.parallelism}"
    if key not in _dummy_hashes:
        _dummy_hashes[key] = HASHER.hash(_DUMMY_PASSWORD)
    return _dummy_hashes[key]


def check_rules(record: str, password: str) -> None:
    """Refuse a new password that is too short, too long or blank at either end."""
    if len(password) < MIN_LENGTH:
        raise invalid(record, "password", None, f"must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise invalid(record, "password", None, f"must be at most {MAX_LENGTH} characters long")
    if password != password.strip():
        raise invalid(record, "password", None, "must not start or end with a space")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed in ``password_hash`` (``None``: no account;
    checked against a dummy hash all the same, and ``False``)."""
    try:
        ok = HASHER.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
