"""``regencord init``: create the trial database or upgrade it to the current schema."""

from __future__ import annotations

from regencord.cli.options import DbOption, run, say
from regencord.services.database import initialise


def init(db: DbOption = None) -> None:
    """Create or upgrade the database (migrations) and report its schema version."""
    revision = run(db, initialise, create=True)
    say(f"database ready at schema revision {revision}")
