"""What the transplant use cases return: the transplant with its immunosuppression, and
the chain of identity from cell line through lot to the participants transplanted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from regencord.services.product import CellLineView, LotView, number_text
from regencord.services.transplant_rules import transplant_window
from regencord.store.models import ImmunosuppressionCourse, Transplant


@dataclass(frozen=True)
class CourseView:
    id: int
    regimen: str
    start_on: date
    stop_on: date | None
    note: str | None

    def __str__(self) -> str:
        stop = self.stop_on.isoformat() if self.stop_on else "ongoing"
        text = f"course {self.id}: {self.regimen}, {self.start_on.isoformat()} to {stop}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class TransplantView:
    id: int
    version: int
    trial: str
    study_id: str
    participant_status: str
    lot_id: str
    transplant_date: date
    injury_date: date
    days_after_injury: int
    window: tuple[int, int] | None
    """Allowed days after injury per the trial's schedule (``None``: no window set)."""
    dose_cells: int
    volume_ul: float
    injection_sites: str
    surgeon: str
    protocol_deviation: str | None
    immunosuppression: tuple[CourseView, ...]

    @property
    def within_window(self) -> bool | None:
        if self.window is None:
            return None
        return self.window[0] <= self.days_after_injury <= self.window[1]

    def lines(self) -> list[str]:
        window = "" if self.window is None else f"; window day {self.window[0]}–{self.window[1]}"
        out = [
            f"transplant: participant {self.study_id} of trial {self.trial} "
            f"({self.participant_status})",
            f"  {self.transplant_date.isoformat()}, day {self.days_after_injury} after injury "
            f"(injury {self.injury_date.isoformat()}{window})",
            f"  lot {self.lot_id}: {self.dose_cells} cells in {number_text(self.volume_ul)} µL "
            f"at {self.injection_sites}; surgeon {self.surgeon}",
        ]
        if self.protocol_deviation:
            out.append(f"  protocol deviation: {self.protocol_deviation}")
        out += [f"  immunosuppression {c}" for c in self.immunosuppression]
        return out


@dataclass(frozen=True)
class ChainOfIdentity:
    """From the cell line through the lot (its QC and release) to the participants
    transplanted with it."""

    line: CellLineView
    lot: LotView
    transplants: tuple[TransplantView, ...]

    def lines(self) -> list[str]:
        line = self.line
        out = [
            f"chain of identity of lot {self.lot.lot_id}",
            f"cell line {line.line_id}: {line.source}",
            f"  donor HLA {line.donor_hla or '-'}; "
            f"reprogramming {line.reprogramming_method or '-'}",
        ]
        out += self.lot.lines()
        if not self.transplants:
            out.append("no transplant with this lot")
        for t in self.transplants:
            out += t.lines()
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def course_view(c: ImmunosuppressionCourse) -> CourseView:
    return CourseView(c.id, c.regimen, c.start_on, c.stop_on, c.note)


def transplant_view(t: Transplant) -> TransplantView:
    p = t.participant
    return TransplantView(
        id=t.id,
        version=t.version,
        trial=p.trial.code,
        study_id=p.study_id,
        participant_status=p.status.value,
        lot_id=t.lot.lot_id,
        transplant_date=t.transplant_date,
        injury_date=p.injury_date,
        days_after_injury=t.days_after_injury,
        window=transplant_window(p.trial),
        dose_cells=t.dose_cells,
        volume_ul=t.volume_ul,
        injection_sites=t.injection_sites,
        surgeon=t.surgeon,
        protocol_deviation=t.protocol_deviation,
        immunosuppression=tuple(course_view(c) for c in t.immunosuppression if not c.deleted),
    )
