"""``regencord export`` and ``regencord import``: a whole trial to a folder of CSV files
with a manifest, and back into an empty database (see :mod:`regencord.services.transfer`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regencord.cli.followup import TrialOption
from regencord.cli.options import DbOption, UserOption, run, say, user_of
from regencord.services import transfer


def export(
    trial: TrialOption,
    to: Annotated[
        Path,
        typer.Option("--to", metavar="DIR", help="Folder to create (must not exist or be empty)."),
    ],
    db: DbOption = None,
) -> None:
    """Export one trial: one CSV per table (soft-deleted rows, versions, timestamps and
    the audit trail included) and manifest.json with row counts and SHA-256 checksums."""
    report = run(db, lambda d: transfer.export_trial(d, trial_code=trial, folder=to))
    say(
        f"trial {report.trial} exported to {report.folder}: {report.rows} rows in "
        f"{len(report.files)} files (schema {report.schema_revision})"
    )


def import_(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder written by export.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import an exported trial into an empty database, in one transaction, after checking
    the manifest, the checksums, the schema revision and the audit trail (every value as
    its audit trail last recorded it); nothing is written otherwise. The import is
    recorded in the audit trail."""
    who = user_of(user)
    report = run(db, lambda d: transfer.import_trial(d, folder=folder, user=who), create=True)
    say(f"trial {report.trial} imported from {report.folder}: {report.rows} rows")
