"""Functional outcome measures taken at a visit: WISCI II, SCIM III, 10-metre and
6-minute walk tests, and trial-specific measures.

``value`` is the measure's number, in ``unit``: the WISCI level, the SCIM total, the
10MWT time in seconds, the 6MWT distance in metres, or a custom measure's value. SCIM's
19 item scores are kept as JSON and its subscale totals as columns.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.store.models.base import Record
from regencord.store.models.trial import enum_column
from regencord.store.models.visit import Visit


class MeasureKind(Enum):
    WISCI = "wisci"
    """Walking Index for Spinal Cord Injury II: level 0-20."""
    SCIM = "scim"
    """Spinal Cord Independence Measure III: 19 items, total 0-100."""
    TEN_METRE_WALK = "ten_metre_walk"
    """10-metre walk test: seconds, with the walking aid used."""
    SIX_MINUTE_WALK = "six_minute_walk"
    """6-minute walk test: metres."""
    CUSTOM = "custom"
    """A trial-specific measure: name, value, unit."""


class FunctionalMeasure(Record):
    __tablename__ = "functional_measure"
    __table_args__ = (
        CheckConstraint("kind <> 'wisci' OR (value >= 0 AND value <= 20)", name="wisci"),
        CheckConstraint(
            "kind <> 'scim' OR (scim_self_care BETWEEN 0 AND 20"
            " AND scim_respiration_sphincter BETWEEN 0 AND 40"
            " AND scim_mobility BETWEEN 0 AND 40 AND scim_total BETWEEN 0 AND 100"
            " AND value = scim_total)",
            name="scim",
        ),
        CheckConstraint("kind <> 'ten_metre_walk' OR value > 0", name="ten_metre_walk"),
        CheckConstraint("kind <> 'six_minute_walk' OR value >= 0", name="six_minute_walk"),
        CheckConstraint("kind <> 'custom' OR name IS NOT NULL", name="custom"),
    )

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    kind: Mapped[MeasureKind] = mapped_column(enum_column(MeasureKind), index=True)
    measure_date: Mapped[date] = mapped_column(Date)
    name: Mapped[str | None] = mapped_column(String(60))
    """A custom measure's name, e.g. ``grip``."""
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    aid: Mapped[str | None] = mapped_column(String(100))
    """Walking aid used in the 10-metre walk test, e.g. ``walker``; ``none`` without."""
    scim_items: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    scim_self_care: Mapped[int | None] = mapped_column(Integer)
    scim_respiration_sphincter: Mapped[int | None] = mapped_column(Integer)
    scim_mobility: Mapped[int | None] = mapped_column(Integer)
    scim_total: Mapped[int | None] = mapped_column(Integer)

    visit: Mapped[Visit] = relationship()

    @property
    def lock_visit(self) -> Visit:
        """The visit whose lock freezes this measure."""
        return self.visit
