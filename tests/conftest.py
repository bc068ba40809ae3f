"""Shared fixtures."""

from tests.conftest_db import db

__all__ = ["db"]
