"""Use cases: export one trial to a folder of CSV files, and import such a folder into an
empty database, losslessly (export → import → export gives the same files, byte for byte).

What is exported: the ``trial`` row and every row that hangs from it through foreign keys
(sites, schedule, participants, eligibility, visits, exams, measures, transplants,
immunosuppression, adverse events, imaging, rehabilitation, …), the rows those rows refer
to outside the trial (the lots transplanted and their cell lines) with *their* dependent
rows (QC results, release decisions), soft-deleted rows included, with ids, versions and
timestamps; and the audit rows of every exported record as ``audit_log.csv``. Which tables
are reached is derived from the foreign keys of the models, so a new model that refers to
one of these tables is exported without changes here.

The folder holds one ``<table>.csv`` per table (header: the database column names; rows
ordered by id) and ``manifest.json``: format version, regencord version, schema revision
(the Alembic head), trial code, and per file its table, row count and SHA-256.

CSV encoding (UTF-8 without BOM, ``\\n`` line ends, fields quoted only where needed):

* **NULL** is ``\\N`` (as in PostgreSQL's COPY); the empty string is an empty field. A text
  value starting with a backslash gets one more in front (``\\N`` as text is ``\\\\N``).
* **dates** ``YYYY-MM-DD``; **datetimes** ISO 8601 in UTC with microseconds,
  ``2024-01-31T09:15:00.000000+00:00`` (SQLite keeps them as naive UTC; read as UTC).
* **booleans** ``true`` / ``false``; **integers** in decimal; **floats** by Python's
  ``repr`` (the shortest text that reads back to the same double).
* **enums** by their stored value (``enrolled``, ``X-ray``).
* **JSON** as compact JSON with sorted keys, non-ASCII kept (``{"a":1,"b":[2,3]}``); a
  JSON ``null`` is ``null``, a SQL NULL is ``\\N``.

Import verifies everything before writing anything: the manifest, every file's checksum
and row count, the schema revision, the headers, and every value; then, in one transaction
(the schema of a database without tables included), it inserts every row through
SQLAlchemy Core (the exported audit rows are loaded as they were, with their hashes),
parents before children, on PostgreSQL moves each id sequence past the highest id, and
checks the audit trail: every audit row matches its hash, and every audited value equals
the last value its audit trail records (a checksum recomputed after an edit does not
hide the edit). Only then is the import itself appended to the audit trail (an ``import``
row of table ``audit_log`` that chains the imported rows, see
:mod:`regencord.store.chain`; it belongs to no trial, so a re-export is byte-identical).
Any failure rolls everything back: no rows, no schema, and no new SQLite file.

The package: :mod:`.format` (the format, its schema and value encoding), :mod:`.export`,
:mod:`.load` (the import). Its names are imported from here.
"""

from __future__ import annotations

from regencord.services.transfer.export import export_trial, trial_scope
from regencord.services.transfer.format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    NULL,
    FileEntry,
    TransferError,
    TransferResult,
    canonical_json,
    decode,
    encode,
    schema_head,
)
from regencord.services.transfer.load import import_trial, iter_rows, read_export

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "NULL",
    "FileEntry",
    "TransferError",
    "TransferResult",
    "canonical_json",
    "decode",
    "encode",
    "export_trial",
    "import_trial",
    "iter_rows",
    "read_export",
    "schema_head",
    "trial_scope",
]
