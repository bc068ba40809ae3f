"""Developer tool: write a new migration from the difference between the models and the
schema the existing migrations produce.

    python -m regencord.store.makemigration "what changed"

Check the generated file by hand (and keep the audit triggers), then run the tests: one
of them checks that the migrations produce exactly the models' schema.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from regencord.store.db import make_engine
from regencord.store.migrate import alembic_config, upgrade


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'schema.db'}")
        upgrade(engine)
        with engine.begin() as connection:
            command.revision(alembic_config(connection), message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "schema change")
