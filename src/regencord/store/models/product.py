"""The cell product: iPS cell lines, manufactured lots of neural stem/progenitor cells,
their quality-control results and release decisions.

Whether a lot may be released (every QC result within its specification, every required
assay present) is decided by :mod:`regencord.services.product`; the helpers here say
what a single result or decision means.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.store.models.base import Record
from regencord.store.models.trial import enum_column


class CellLine(Record):
    """An iPS cell line the product is derived from (e.g. from an HLA-homozygous stock)."""

    __tablename__ = "cell_line"

    line_id: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(String(200))
    """Where the line comes from, e.g. ``HLA-homozygous iPS cell stock``."""
    donor_hla: Mapped[str | None] = mapped_column(String(200))
    """Donor HLA type, e.g. ``A*24:02, B*52:01, DRB1*15:02`` (homozygous)."""
    reprogramming_method: Mapped[str | None] = mapped_column(String(200))
    """E.g. ``episomal vectors``."""

    lots: Mapped[list[Lot]] = relationship(back_populates="line", order_by="Lot.lot_id")


class Lot(Record):
    """A manufactured lot of neural stem/progenitor cells."""

    __tablename__ = "lot"
    __table_args__ = (
        CheckConstraint("passage >= 0", name="passage"),
        CheckConstraint("expires_on > manufactured_on", name="expiry"),
    )

    lot_id: Mapped[str] = mapped_column(String(40), unique=True)
    cell_line_id: Mapped[int] = mapped_column(ForeignKey("cell_line.id"), index=True)
    passage: Mapped[int] = mapped_column(Integer)
    manufactured_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)

    line: Mapped[CellLine] = relationship(back_populates="lots")
    qc_results: Mapped[list[QcResult]] = relationship(
        back_populates="lot", order_by="(QcResult.tested_on, QcResult.id)"
    )
    decisions: Mapped[list[ReleaseDecision]] = relationship(
        back_populates="lot", order_by="(ReleaseDecision.decided_on, ReleaseDecision.id)"
    )


class QcResult(Record):
    """One quality-control result of a lot and the specification it is judged against.

    A result is numeric (``value`` with ``unit``, judged against ``spec_min`` and/or
    ``spec_max``) or textual (``text_result``, judged against ``spec_expected``), or both.
    """

    __tablename__ = "qc_result"
    __table_args__ = (
        CheckConstraint("value IS NOT NULL OR text_result IS NOT NULL", name="result"),
        CheckConstraint(
            "spec_min IS NOT NULL OR spec_max IS NOT NULL OR spec_expected IS NOT NULL",
            name="specification",
        ),
        CheckConstraint(
            "spec_min IS NULL OR spec_max IS NULL OR spec_min <= spec_max", name="range"
        ),
    )

    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    assay: Mapped[str] = mapped_column(String(60))
    """Normalised assay name: a standard one (``viability``, ``cell_count``, …) or any other."""
    value: Mapped[float | None] = mapped_column(Float)
    text_result: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(30))
    spec_min: Mapped[float | None] = mapped_column(Float)
    spec_max: Mapped[float | None] = mapped_column(Float)
    spec_expected: Mapped[str | None] = mapped_column(String(200))
    tested_on: Mapped[date] = mapped_column(Date)

    lot: Mapped[Lot] = relationship(back_populates="qc_results")

    @property
    def meets_specification(self) -> bool:
        """Whether the result lies within every bound of its specification."""
        if self.spec_min is not None and (self.value is None or self.value < self.spec_min):
            return False
        if self.spec_max is not None and (self.value is None or self.value > self.spec_max):
            return False
        if self.spec_expected is not None:
            if self.text_result is None:
                return False
            return same_text(self.text_result, self.spec_expected)
        return True


def same_text(a: str, b: str) -> bool:
    """Text results compare without regard to case and surrounding or repeated blanks."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class LotDecision(Enum):
    RELEASED = "released"
    REJECTED = "rejected"


class ReleaseDecision(Record):
    """A named person's decision to release or reject a lot."""

    __tablename__ = "release_decision"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    decision: Mapped[LotDecision] = mapped_column(enum_column(LotDecision))
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))

    lot: Mapped[Lot] = relationship(back_populates="decisions")
