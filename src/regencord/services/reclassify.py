"""Use case: re-run the engine on every stored exam after it changes, and store what
changed (audited, reason "engine upgrade to …").

Rules: an exam whose results are unchanged but were made by another engine version is
restamped with the current version; exams of locked visits are not changed but reported,
to be unlocked and reclassified deliberately; an exam the engine no longer accepts is left
as it is and reported with the engine's first problem.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from regencord.isncsci import ENGINE_VERSION, Exam, InvalidExam
from regencord.services.exam_results import RESULT_FIELDS, results_of, summary_columns
from regencord.services.followup import followup_unit
from regencord.store.db import Database
from regencord.store.models import ExamRecord


@dataclass(frozen=True)
class ClassificationChangeEntry:
    exam_id: int
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"exam {self.exam_id}: {self.field}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class ReclassifyResult:
    engine_version: str
    checked: int
    """Stored exams the engine re-ran on."""
    updated: tuple[int, ...]
    """Exams whose classification changed (new classification and version stored)."""
    restamped: tuple[int, ...]
    """Exams whose classification is unchanged but was made by another engine version."""
    changes: tuple[ClassificationChangeEntry, ...]
    locked: tuple[int, ...]
    """Exams of locked visits that would change; left as they are."""
    locked_changes: tuple[ClassificationChangeEntry, ...]
    failed: tuple[tuple[int, str], ...]
    """Exams the engine no longer accepts, with its first problem; left as they are."""


def _compact(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _differences(
    exam_id: int, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[ClassificationChangeEntry]:
    before, after = results_of(old), results_of(new)
    out = [
        ClassificationChangeEntry(exam_id, f, before[f] or "(none)", after[f])
        for f in RESULT_FIELDS
        if before[f] != after[f]
    ]
    if not out and dict(old) != dict(new):
        out.append(
            ClassificationChangeEntry(exam_id, "classification", _compact(old), _compact(new))
        )
    return out


def reclassify_all(db: Database, *, user: str) -> ReclassifyResult:
    """Re-run the engine on every stored exam; store what changed, with the engine
    version, in one transaction (audited, reason "engine upgrade to …").

    Exams of locked visits are not changed: they are reported, to be unlocked and
    reclassified deliberately.
    """
    updated: list[int] = []
    restamped: list[int] = []
    changes: list[ClassificationChangeEntry] = []
    locked: list[int] = []
    locked_changes: list[ClassificationChangeEntry] = []
    failed: list[tuple[int, str]] = []
    with followup_unit(db, user=user, reason=f"engine upgrade to {ENGINE_VERSION}") as session:
        records = list(
            session.scalars(
                select(ExamRecord)
                .where(ExamRecord.deleted_at.is_(None))
                .options(selectinload(ExamRecord.visit))
                .order_by(ExamRecord.id)
            )
        )
        valid: list[tuple[ExamRecord, Exam]] = []
        for record in records:
            try:
                valid.append((record, Exam.from_praxis(record.raw)))
            except InvalidExam as error:
                first = error.problems[0] if error.problems else None
                failed.append(
                    (record.id, f"{first.field}: {first.message}" if first else str(error))
                )
        # The vectorized engine gives the scalar engine's results (parity-tested), faster.
        from regencord.isncsci.batch import ExamBatch, classify_batch  # NumPy: only here

        results = classify_batch(ExamBatch.from_exams([exam for _, exam in valid])).to_praxis()
        for (record, _), new in zip(valid, results, strict=True):
            new.pop("id", None)
            found = _differences(record.id, record.classification, new)
            if not found and record.engine_version == ENGINE_VERSION:
                continue
            if record.visit.locked:
                locked.append(record.id)
                locked_changes += found
                continue
            record.classification = new
            record.engine_version = ENGINE_VERSION
            for column, value in summary_columns(new).items():
                setattr(record, column, value)
            (updated if found else restamped).append(record.id)
            changes += found
        session.flush()
    return ReclassifyResult(
        engine_version=ENGINE_VERSION,
        checked=len(records),
        updated=tuple(updated),
        restamped=tuple(restamped),
        changes=tuple(changes),
        locked=tuple(locked),
        locked_changes=tuple(locked_changes),
        failed=tuple(failed),
    )
