"""``regencord export`` and ``regencord import``: a whole trial to a folder of CSV files
with a manifest, and back into an empty database (see :mod:`regencord.services.transfer`);
``regencord export --format sdtm|fhir`` writes SDTM-style datasets or a FHIR R4 Bundle (see
:mod:`regencord.services.interop_export`)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from regencord.cli.followup import TrialOption
from regencord.cli.options import DbOption, UserOption, fail, run, say, user_of
from regencord.services import interop_export, transfer


class ExportFormat(StrEnum):
    transfer = "transfer"
    sdtm = "sdtm"
    fhir = "fhir"


def export(
    trial: TrialOption,
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            metavar="DIR",
            help="Folder to create (must not exist or be empty); same as --out.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR|FILE",
            help="Where to write: a folder (transfer, sdtm) or the bundle's file (fhir).",
            show_default=False,
        ),
    ] = None,
    format_: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="transfer: every table as CSV with a manifest (re-importable); "
            "sdtm: SDTM-style datasets (CSV, XPT v5, define.json/html); fhir: an R4 Bundle.",
        ),
    ] = ExportFormat.transfer,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Export one trial. transfer (default): one CSV per table (soft-deleted rows, versions,
    timestamps and the audit trail included) and manifest.json with row counts and SHA-256
    checksums. sdtm: DM, SV, EX, PR, CM, AE, RS, CO, QS, FT (and SUPP--) as CSV and SAS
    transport files with their specification. fhir: one FHIR R4 Bundle (JSON)."""
    if to is not None and out is not None and to != out:
        fail(["give either --to or --out, not both"])
    target = out if out is not None else to
    if target is None:
        fail(["--out (or --to) is required: where to write the export"])
    if format_ is ExportFormat.sdtm:
        sdtm = run(db, lambda d: interop_export.export_sdtm(d, trial, target, user=user_of(user)))
        rows = sum(sdtm.records.values())
        say(
            f"trial {sdtm.trial} exported as SDTM-style datasets to {sdtm.folder}: "
            f"{len(sdtm.records)} datasets, {rows} records, "
            f"{len(sdtm.files)} files (CSV, XPT, define.json, define.html)"
        )
        return
    if format_ is ExportFormat.fhir:
        fhir = run(db, lambda d: interop_export.export_fhir(d, trial, target, user=user_of(user)))
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(fhir.resources.items()))
        say(f"trial {fhir.trial} exported as a FHIR R4 Bundle to {fhir.path}: {kinds}")
        return
    report = run(
        db, lambda d: transfer.export_trial(d, user=user_of(user), trial_code=trial, folder=target)
    )
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
