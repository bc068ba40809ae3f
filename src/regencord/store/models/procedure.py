"""The procedure: the transplant of a lot into a participant, and the immunosuppression
given around it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.store.models.base import Record
from regencord.store.models.participant import Participant
from regencord.store.models.product import Lot


class Transplant(Record):
    """Cells of one lot transplanted into one participant on one day.

    The days after injury are derived from the participant's injury date, not stored, so
    a corrected injury date never leaves a stale copy behind.
    """

    __tablename__ = "transplant"
    __table_args__ = (
        CheckConstraint("dose_cells > 0", name="dose"),
        CheckConstraint("volume_ul > 0", name="volume"),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    transplant_date: Mapped[date] = mapped_column(Date)
    dose_cells: Mapped[int] = mapped_column(BigInteger)
    """Number of cells transplanted."""
    volume_ul: Mapped[float] = mapped_column(Float)
    """Injected volume in microlitres."""
    injection_sites: Mapped[str] = mapped_column(String(200))
    """Comma-separated injection sites, e.g. ``C4, C5``."""
    surgeon: Mapped[str] = mapped_column(String(100))
    protocol_deviation: Mapped[str | None] = mapped_column(String(1000))
    """Required when the transplant falls outside the trial's transplant window."""

    participant: Mapped[Participant] = relationship()
    lot: Mapped[Lot] = relationship()
    immunosuppression: Mapped[list[ImmunosuppressionCourse]] = relationship(
        back_populates="transplant",
        order_by="(ImmunosuppressionCourse.start_on, ImmunosuppressionCourse.id)",
    )

    @property
    def days_after_injury(self) -> int:
        return (self.transplant_date - self.participant.injury_date).days

    @property
    def sites(self) -> list[str]:
        return [s.strip() for s in self.injection_sites.split(",") if s.strip()]


class ImmunosuppressionCourse(Record):
    """A drug or regimen given around the transplant, from ``start_on`` to ``stop_on``
    (open while ongoing)."""

    __tablename__ = "immunosuppression_course"
    __table_args__ = (CheckConstraint("stop_on IS NULL OR stop_on >= start_on", name="period"),)

    transplant_id: Mapped[int] = mapped_column(ForeignKey("transplant.id"), index=True)
    regimen: Mapped[str] = mapped_column(String(200))
    """Drug or regimen, e.g. ``tacrolimus 0.05 mg/kg/day``."""
    start_on: Mapped[date] = mapped_column(Date)
    stop_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))

    transplant: Mapped[Transplant] = relationship(back_populates="immunosuppression")
