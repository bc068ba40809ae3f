"""Use cases: export one trial as SDTM-style datasets (a folder of CSV and XPT files with
their specification) or as a FHIR R4 Bundle (one JSON file).

The trial is read with the report's whole-trial read
(:func:`regencord.services.reporting.show_trial_data`: stored classifications, not
recomputed; exams with their impairment reasons and comments) plus one query per kind of
record it leaves out (visits, immunosuppression courses, consent dates, AE details,
exams' engine versions); the interop modules turn that plain data into the files. Files
appear all at once (written beside the target and moved in); a target folder that exists
and is not empty is refused.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from regencord.interop import fhir, sdtm
from regencord.interop.export_data import (
    AeDetail,
    CourseRecord,
    ExamDetail,
    ExportTrial,
    ParticipantExtras,
    VisitRecord,
)
from regencord.interop.sdtm.files import write_folder
from regencord.services.errors import ServiceError
from regencord.services.files import staged_folder, write_atomically
from regencord.services.reporting import show_trial_data
from regencord.services.trials import find_trial
from regencord.services.unit import read_unit
from regencord.store.db import Database
from regencord.store.models import (
    AdverseEvent,
    ExamRecord,
    ImmunosuppressionCourse,
    Participant,
    Transplant,
    Visit,
)


class ExportError(ServiceError):
    """The export cannot be written where asked, or the trial changed while it was read."""


def show_export_trial(db: Database, trial_code: str, *, user: str) -> ExportTrial:
    """The whole trial (live records only) for export; ``NotFound`` if no such trial."""
    data = show_trial_data(db, trial_code, user=user).data
    with read_unit(db, user=user) as session:
        trial = find_trial(session, trial_code)
        people = {
            p.id: p
            for p in session.scalars(
                select(Participant).where(
                    Participant.trial_id == trial.id, Participant.deleted_at.is_(None)
                )
            )
        }
        ids = list(people)
        visits: dict[int, list[Visit]] = defaultdict(list)
        visit_owner: dict[int, int] = {}
        for v in session.scalars(
            select(Visit)
            .where(Visit.participant_id.in_(ids), Visit.deleted_at.is_(None))
            .options(joinedload(Visit.scheduled))
        ):
            visits[v.participant_id].append(v)
            visit_owner[v.id] = v.participant_id
        first_transplant: dict[int, int] = {}
        for t in session.scalars(
            select(Transplant)
            .where(Transplant.participant_id.in_(ids), Transplant.deleted_at.is_(None))
            .order_by(Transplant.transplant_date, Transplant.id)
        ):
            first_transplant.setdefault(t.participant_id, t.id)
        courses: dict[int, list[CourseRecord]] = defaultdict(list)
        for c in session.scalars(
            select(ImmunosuppressionCourse)
            .where(
                ImmunosuppressionCourse.transplant_id.in_(list(first_transplant.values())),
                ImmunosuppressionCourse.deleted_at.is_(None),
            )
            .order_by(ImmunosuppressionCourse.start_on, ImmunosuppressionCourse.id)
        ):
            courses[c.transplant_id].append(CourseRecord(c.regimen, c.start_on, c.stop_on, c.note))
        aes: dict[int, list[AeDetail]] = defaultdict(list)
        for a in session.scalars(
            select(AdverseEvent)
            .where(AdverseEvent.participant_id.in_(ids), AdverseEvent.deleted_at.is_(None))
            .order_by(AdverseEvent.onset_date, AdverseEvent.id)
        ):
            aes[a.participant_id].append(AeDetail(a.meddra_code, a.action_taken))
        exams: dict[int, list[ExamDetail]] = defaultdict(list)
        for e in session.scalars(
            select(ExamRecord)
            .where(ExamRecord.visit_id.in_(list(visit_owner)), ExamRecord.deleted_at.is_(None))
            .order_by(ExamRecord.exam_date, ExamRecord.id)
        ):
            exams[visit_owner[e.visit_id]].append(ExamDetail(e.engine_version))
        by_study_id = {p.study_id: pid for pid, p in people.items()}
        extras: dict[str, ParticipantExtras] = {}
        for participant in data.participants:
            pid = by_study_id.get(participant.study_id)
            if pid is None:
                raise ExportError(f"trial {trial_code} changed while it was read; try again")
            extra = ParticipantExtras(
                consent_date=people[pid].consent_date,
                visits=tuple(
                    VisitRecord(v.scheduled.name, v.actual_date, v.missed_reason)
                    for v in sorted(visits[pid], key=lambda v: v.scheduled.order)
                ),
                courses=tuple(courses.get(first_transplant.get(pid, -1), [])),
                adverse_events=tuple(aes[pid]),
                exams=tuple(exams[pid]),
            )
            if len(extra.adverse_events) != len(participant.adverse_events) or len(
                extra.exams
            ) != len(participant.exams):
                raise ExportError(f"trial {trial_code} changed while it was read; try again")
            extras[participant.study_id] = extra
    return ExportTrial(data, extras)


@dataclass(frozen=True)
class SdtmExportResult:
    trial: str
    folder: Path
    records: dict[str, int]
    """Rows per dataset, in writing order."""
    files: tuple[Path, ...]


def _check_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportError(f"{folder} exists and is not an empty folder")


def export_sdtm(db: Database, trial_code: str, folder: Path, *, user: str) -> SdtmExportResult:
    """Write the trial's SDTM-style datasets into ``folder`` (created; refused when it
    exists and is not empty)."""
    folder = Path(folder)
    _check_folder(folder)
    trial = show_export_trial(db, trial_code, user=user)
    datasets = sdtm.build_datasets(trial)
    with staged_folder(folder) as staging:
        names = [p.name for p in write_folder(trial, datasets, staging)]
    return SdtmExportResult(
        trial_code,
        folder,
        {d.name: len(d.rows) for d in datasets},
        tuple(folder / n for n in names),
    )


@dataclass(frozen=True)
class FhirExportResult:
    trial: str
    path: Path
    resources: dict[str, int]
    """Entries of the bundle per resource type."""


def export_fhir(db: Database, trial_code: str, path: Path, *, user: str) -> FhirExportResult:
    """Write the trial as one FHIR R4 Bundle (JSON) to ``path`` (replaced atomically)."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give the bundle's file name")
    bundle = fhir.build_bundle(show_export_trial(db, trial_code, user=user))
    write_atomically(path, fhir.bundle_json(bundle).encode("utf-8"))
    counts: Counter[str] = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    return FhirExportResult(trial_code, path, dict(counts))
