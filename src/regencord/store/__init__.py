"""The trial data store: SQLAlchemy 2 models, Alembic migrations, the audit trail.

SQLite (embedded, the default) or PostgreSQL (multi-site, extra ``postgres``). Only the
service layer (:mod:`regencord.services`) talks to it.
"""
