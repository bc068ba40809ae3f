"""Safety summary: adverse events by CTCAE grade, seriousness and relatedness; the serious
events listed; tumour-surveillance imaging; each participant's lot, QC and chain of identity.

Relatedness follows the usual two-way split for tables: *possible*, *probable* and
*definite* count as related, *unlikely* and *not related* as not related (docs/adjudications.md O4).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from regencord.outcomes.model import AdverseEventPoint, ImagingPoint, LotInfo, ParticipantData

RELATED = frozenset({"possible", "probable", "definite"})
CAUSES = ("cells", "surgery", "immunosuppression")


def related_to(ae: AdverseEventPoint, cause: str) -> bool:
    return getattr(ae, f"related_to_{cause}") in RELATED


@dataclass(frozen=True)
class AeRow:
    """Events (and participants with at least one) in one category."""

    label: str
    events: int
    participants: int


@dataclass(frozen=True)
class SeriousEvent:
    study_id: str
    event: AdverseEventPoint


@dataclass(frozen=True)
class ImagingFlag:
    study_id: str
    finding: ImagingPoint


@dataclass(frozen=True)
class ChainOfIdentity:
    study_id: str
    lot: LotInfo | None
    dose_cells: int | None
    transplant_day: int | None

    @property
    def qc_passed(self) -> bool:
        return self.lot is not None and bool(self.lot.qc) and all(q.passed for q in self.lot.qc)


@dataclass(frozen=True)
class SafetySummary:
    participants: int
    by_grade: tuple[AeRow, ...]
    by_relatedness: tuple[AeRow, ...]
    serious: tuple[SeriousEvent, ...]
    total: AeRow
    imaging_scans: int
    imaging_participants: int
    suspected_masses: tuple[ImagingFlag, ...]
    syrinx: tuple[ImagingFlag, ...]
    chains: tuple[ChainOfIdentity, ...]


def _row(label: str, items: Sequence[tuple[str, AdverseEventPoint]]) -> AeRow:
    return AeRow(label, len(items), len({sid for sid, _ in items}))


def safety_summary(participants: Sequence[ParticipantData]) -> SafetySummary:
    events = [(p.study_id, ae) for p in participants for ae in p.adverse_events]
    grades = Counter(ae.ctcae_grade for _, ae in events)
    by_grade = tuple(
        _row(f"Grade {g}", [(s, a) for s, a in events if a.ctcae_grade == g])
        for g in sorted(grades)
    )
    related = [
        _row(f"Related to {cause}", [(s, a) for s, a in events if related_to(a, cause)])
        for cause in CAUSES
    ]
    by_relatedness = (*related, _row("Serious", [(s, a) for s, a in events if a.serious]))
    scans = [(p.study_id, i) for p in participants for i in p.imaging]
    return SafetySummary(
        participants=len(participants),
        by_grade=by_grade,
        by_relatedness=by_relatedness,
        serious=tuple(SeriousEvent(s, a) for s, a in events if a.serious),
        total=_row("Any adverse event", events),
        imaging_scans=len(scans),
        imaging_participants=len({s for s, _ in scans}),
        suspected_masses=tuple(ImagingFlag(s, i) for s, i in scans if i.suspected_mass),
        syrinx=tuple(ImagingFlag(s, i) for s, i in scans if i.syrinx),
        chains=tuple(
            ChainOfIdentity(
                p.study_id,
                p.transplant.lot if p.transplant else None,
                p.transplant.dose_cells if p.transplant else None,
                p.transplant.day if p.transplant else None,
            )
            for p in participants
        ),
    )
