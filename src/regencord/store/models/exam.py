"""Stored ISNCSCI exams: the worksheet as examined, its classification, and the engine
version that classified it.

``raw`` is the exam in the Praxis shape, every one of the 134 values (132 cells with NT and
non-SCI tags, VAC, DAP) and the lowest non-key muscles; ``classification`` is the engine's
:meth:`~regencord.isncsci.Classification.to_praxis`. The summary columns repeat the
results queried most, in Praxis notation for levels and grades (``C5``, ``C5,C6*``,
``B``) and as numbers for scores (``NULL`` when not determinable).

``impairments`` says, for cells tagged as non-SCI impairment (``*``/``**``), what the
impairment is: a JSON object keyed by the cell's path in the Praxis shape
(``"right.motor.C5"``), each ``{"reason": <ImpairmentReason>, "other": <text or null>}``
(``other`` describes an impairment of reason ``other``); ``NULL`` or ``{}`` when none is
recorded. ``comments`` is the examiner's free text about the exam.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.isncsci.cells import ImpairmentReason as ImpairmentReason  # re-exported
from regencord.store.models.base import Record
from regencord.store.models.visit import Visit


class ExamRecord(Record):
    __tablename__ = "exam"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    examiner: Mapped[str | None] = mapped_column(String(100))
    exam_date: Mapped[date] = mapped_column(Date)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    classification: Mapped[dict[str, Any]] = mapped_column(JSON)
    engine_version: Mapped[str] = mapped_column(String(60))
    impairments: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comments: Mapped[str | None] = mapped_column(Text)

    ais: Mapped[str] = mapped_column(String(20), index=True)
    nli: Mapped[str] = mapped_column(String(40), index=True)
    injury_complete: Mapped[str] = mapped_column(String(20))
    uems: Mapped[int | None] = mapped_column(Integer)
    lems: Mapped[int | None] = mapped_column(Integer)
    right_motor: Mapped[int | None] = mapped_column(Integer)
    left_motor: Mapped[int | None] = mapped_column(Integer)
    motor_total: Mapped[int | None] = mapped_column(Integer)
    light_touch: Mapped[int | None] = mapped_column(Integer)
    pin_prick: Mapped[int | None] = mapped_column(Integer)

    visit: Mapped[Visit] = relationship()

    @property
    def lock_visit(self) -> Visit:
        """The visit whose lock freezes this exam."""
        return self.visit
