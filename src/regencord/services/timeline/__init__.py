"""Use case: everything about one participant, in visit order, in one read.

The timeline holds the participant, their transplant (with lot, cell line, release decision
and immunosuppression), every visit of the schedule with its window status, the exams
(classification summary) and measures taken at it, and the adverse events, imaging findings
and rehabilitation sessions, all as plain dataclasses. Soft-deleted records are left out.

It is loaded with a fixed, small number of queries whatever the participant's history
(one per kind of record, ``selectinload`` for the relations), and without the exams' raw
worksheets and full classifications (only their summary columns are read).

The package: :mod:`.entries` (what a timeline holds), :mod:`.load` (loading it). Its
names are imported from here.
"""

from __future__ import annotations

from regencord.services.timeline.entries import (
    AdverseEventEntry,
    CourseEntry,
    Event,
    ExamEntry,
    ImagingEntry,
    LotEntry,
    MeasureEntry,
    RehabEntry,
    Timeline,
    TransplantEntry,
    VisitEntry,
)
from regencord.services.timeline.load import load_timeline, show_timeline

__all__ = [
    "AdverseEventEntry",
    "CourseEntry",
    "Event",
    "ExamEntry",
    "ImagingEntry",
    "LotEntry",
    "MeasureEntry",
    "RehabEntry",
    "Timeline",
    "TransplantEntry",
    "VisitEntry",
    "load_timeline",
    "show_timeline",
]
