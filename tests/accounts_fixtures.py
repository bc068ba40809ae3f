"""Cheap password hashing for tests that create many accounts: argon2 with its default
cost takes a few tenths of a second per hash on the shared machine. The default cost
itself is checked in ``tests/services/test_accounts.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from regencord.services import passwords


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "HASHER", cheap)
    yield
