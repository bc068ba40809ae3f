"""``ExamBatch``: N exams as NumPy arrays of cell codes (see :mod:`.codes`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from regencord.isncsci.batch.codes import ANAL, decode, encode
from regencord.isncsci.cells import Cell
from regencord.isncsci.errors import InvalidExam, Problem
from regencord.isncsci.exam import SIDES, Exam, SideExam
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, Level

if TYPE_CHECKING:
    import pandas as pd

U8 = npt.NDArray[np.uint8]
I8 = npt.NDArray[np.int8]

NO_NON_KEY_MUSCLE = -1


@dataclass(frozen=True)
class ExamBatch:
    """N validated exams. Sides are indexed 0 = right, 1 = left; myotomes and dermatomes in
    the order of :data:`MYOTOMES` and :data:`DERMATOMES`; cells coded ``tag * 8 + value``
    (value 6 = NT); VAC/DAP coded 0 No, 1 Yes, 2 NT; the lowest non-key muscle as a
    :class:`~regencord.isncsci.levels.Level` value, or -1."""

    motor: U8
    """(N, 2, 10) key muscle codes."""
    light_touch: U8
    """(N, 2, 28) light touch codes."""
    pin_prick: U8
    """(N, 2, 28) pin prick codes."""
    vac: U8
    """(N,) voluntary anal contraction."""
    dap: U8
    """(N,) deep anal pressure."""
    non_key_muscle: I8
    """(N, 2) lowest non-key muscle with motor function."""
    ids: tuple[str | None, ...]

    def __len__(self) -> int:
        return int(self.vac.shape[0])

    def __post_init__(self) -> None:
        n = len(self.ids)
        shapes = {
            "motor": (self.motor, (n, 2, len(MYOTOMES))),
            "light_touch": (self.light_touch, (n, 2, len(DERMATOMES))),
            "pin_prick": (self.pin_prick, (n, 2, len(DERMATOMES))),
            "vac": (self.vac, (n,)),
            "dap": (self.dap, (n,)),
            "non_key_muscle": (self.non_key_muscle, (n, 2)),
        }
        for name, (array, shape) in shapes.items():
            if array.shape != shape:
                raise ValueError(f"ExamBatch.{name}: shape {array.shape}, expected {shape}")

    @classmethod
    def empty(cls) -> ExamBatch:
        return cls.allocate(0, ())

    @classmethod
    def allocate(cls, n: int, ids: Sequence[str | None]) -> ExamBatch:
        return cls(
            motor=np.zeros((n, 2, len(MYOTOMES)), np.uint8),
            light_touch=np.zeros((n, 2, len(DERMATOMES)), np.uint8),
            pin_prick=np.zeros((n, 2, len(DERMATOMES)), np.uint8),
            vac=np.zeros(n, np.uint8),
            dap=np.zeros(n, np.uint8),
            non_key_muscle=np.full((n, 2), NO_NON_KEY_MUSCLE, np.int8),
            ids=tuple(ids),
        )

    @classmethod
    def from_exams(cls, exams: Sequence[Exam]) -> ExamBatch:
        """A batch of already validated exams."""
        batch = cls.allocate(len(exams), [e.id for e in exams])
        for i, exam in enumerate(exams):
            for s, side in enumerate(SIDES):
                e = exam.side(side)
                batch.motor[i, s] = [encode(e.motor[m]) for m in MYOTOMES]
                batch.light_touch[i, s] = [encode(e.light_touch[d]) for d in DERMATOMES]
                batch.pin_prick[i, s] = [encode(e.pin_prick[d]) for d in DERMATOMES]
                nkm = e.lowest_non_key_muscle
                batch.non_key_muscle[i, s] = NO_NON_KEY_MUSCLE if nkm is None else int(nkm)
            batch.vac[i] = ANAL.index(exam.vac)
            batch.dap[i] = ANAL.index(exam.dap)
        return batch

    @classmethod
    def from_praxis(cls, exams: Iterable[Mapping[str, Any]]) -> ExamBatch:
        """Validate Praxis-shaped exams; raise one :class:`InvalidExam` with every problem
        (the scalar engine's validation, exams counted from 1)."""
        problems: list[Problem] = []
        valid: list[Exam] = []
        for index, d in enumerate(exams, start=1):
            try:
                valid.append(Exam.from_praxis(d, index=index))
            except InvalidExam as error:
                problems.extend(error.problems)
        if problems:
            raise InvalidExam(problems)
        return cls.from_exams(valid)

    @classmethod
    def from_csv(cls, path: str | PathLike[str]) -> ExamBatch:
        """Every exam of an exam CSV file (the format of :mod:`regencord.isncsci.io`) as one
        batch, read and validated in bulk; one :class:`InvalidExam` with the problems the
        scalar CSV reader reports for the same file. To stream a large file a batch at a
        time, see :func:`regencord.isncsci.batch.csv_io.iter_csv_batches`."""
        from regencord.isncsci.batch.csv_io import read_csv_batch

        return read_csv_batch(path)

    @classmethod
    def concat(cls, batches: Sequence[ExamBatch]) -> ExamBatch:
        """The exams of ``batches``, one after the other, as one batch."""
        if len(batches) == 1:
            return batches[0]
        if not batches:
            return cls.empty()
        return cls(
            motor=np.concatenate([b.motor for b in batches]),
            light_touch=np.concatenate([b.light_touch for b in batches]),
            pin_prick=np.concatenate([b.pin_prick for b in batches]),
            vac=np.concatenate([b.vac for b in batches]),
            dap=np.concatenate([b.dap for b in batches]),
            non_key_muscle=np.concatenate([b.non_key_muscle for b in batches]),
            ids=tuple(i for b in batches for i in b.ids),
        )

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        start: int = 1,
        extra_columns: Literal["error", "ignore"] = "error",
    ) -> ExamBatch:
        """Validate the exams of a pandas DataFrame with the CSV exam columns
        (:data:`regencord.isncsci.io.EXAM_COLUMNS`, one exam a row), vectorized; raise one
        :class:`InvalidExam` with the problems the CSV reader would report for the same
        table (exams counted from ``start``). Columns that are not exam columns are
        reported, or left out with ``extra_columns="ignore"``. Needs pandas; see
        :mod:`regencord.isncsci.batch.frame`."""
        from regencord.isncsci.batch.frame import exam_batch_from_frame

        return exam_batch_from_frame(frame, start=start, extra_columns=extra_columns)

    def exam(self, i: int) -> Exam:
        """Exam ``i`` as a scalar :class:`Exam`."""

        def cells(levels: tuple[Level, ...], codes: U8) -> MappingProxyType[Level, Cell]:
            return MappingProxyType(
                {lv: decode(int(c)) for lv, c in zip(levels, codes, strict=True)}
            )

        sides = []
        for s in range(2):
            nkm = int(self.non_key_muscle[i, s])
            sides.append(
                SideExam(
                    motor=cells(MYOTOMES, self.motor[i, s]),
                    light_touch=cells(DERMATOMES, self.light_touch[i, s]),
                    pin_prick=cells(DERMATOMES, self.pin_prick[i, s]),
                    lowest_non_key_muscle=None if nkm == NO_NON_KEY_MUSCLE else Level(nkm),
                )
            )
        return Exam(
            right=sides[0],
            left=sides[1],
            vac=ANAL[int(self.vac[i])],
            dap=ANAL[int(self.dap[i])],
            id=self.ids[i],
        )

    def slice(self, start: int, stop: int) -> ExamBatch:
        """Exams ``start`` to ``stop`` (views of the same arrays)."""
        return ExamBatch(
            motor=self.motor[start:stop],
            light_touch=self.light_touch[start:stop],
            pin_prick=self.pin_prick[start:stop],
            vac=self.vac[start:stop],
            dap=self.dap[start:stop],
            non_key_muscle=self.non_key_muscle[start:stop],
            ids=self.ids[start:stop],
        )

    def take(self, rows: npt.NDArray[np.intp], *, with_ids: bool = True) -> ExamBatch:
        """The exams at ``rows`` (ids left as None unless ``with_ids``)."""
        ids = [self.ids[int(i)] for i in rows] if with_ids else [None] * len(rows)
        return ExamBatch(
            motor=self.motor[rows],
            light_touch=self.light_touch[rows],
            pin_prick=self.pin_prick[rows],
            vac=self.vac[rows],
            dap=self.dap[rows],
            non_key_muscle=self.non_key_muscle[rows],
            ids=tuple(ids),
        )
