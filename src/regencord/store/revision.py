"""The schema revision this version of regencord writes and reads.

Kept as a constant so that opening a database checks its revision without importing
Alembic (a tenth of a second or more at start-up); ``tests/store/test_migrations.py``
checks it equals the head of ``store/migrations``.
"""

from __future__ import annotations

SCHEMA_HEAD = "7c98a23fb628"
"""The newest Alembic revision (the head of ``store/migrations/versions``)."""

VERSION_TABLE = "alembic_version"
"""The table where Alembic records a database's schema revision."""
