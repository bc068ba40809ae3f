"""Edges of the batch API: empty and single-exam batches, validation of many invalid exams,
the result arrays, ``ExamBatch.exam`` and ``take``."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from regencord.isncsci import (
    AIS,
    Completeness,
    Exam,
    InvalidExam,
    Level,
    LevelValue,
    Marker,
    Problem,
    classify,
)
from regencord.isncsci.batch import (
    INT_BIT,
    NA_BIT,
    BatchClassification,
    ExamBatch,
    LevelMasks,
    classify_batch,
)
from regencord.isncsci.synthetic import generate_exams
from tests.isncsci.builders import make_exam, normal_exam

ARRAYS = ("motor", "light_touch", "pin_prick", "vac", "dap", "non_key_muscle")


def assert_same_batch(a: ExamBatch, b: ExamBatch) -> None:
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert a.ids == b.ids


def sample(n: int = 300, seed: int = 11) -> list[dict[str, Any]]:
    return generate_exams(n, seed=seed, nt_rate=0.05, tag_rate=0.05, non_key_rate=0.4)


# --- empty and single batches ------------------------------------------------------------


def test_empty_batch() -> None:
    for batch in (ExamBatch.empty(), ExamBatch.from_praxis([]), ExamBatch.from_exams([])):
        assert len(batch) == 0
        assert batch.motor.shape == (0, 2, 10)
        assert batch.light_touch.shape == batch.pin_prick.shape == (0, 2, 28)
        assert batch.ids == ()
    assert len(ExamBatch.empty().take(np.array([], dtype=np.intp))) == 0


def test_classifying_an_empty_batch_gives_empty_results() -> None:
    result = classify_batch(ExamBatch.empty())
    assert len(result) == 0
    assert result.to_praxis() == []
    columns = result.columns()
    assert columns and all(len(c) == 0 for c in columns.values())
    assert result.to_frame().shape == (0, 1 + len(columns))


def test_one_exam() -> None:
    d = {"id": "ONE", **make_exam(level_right="C6", level_left="T2")}
    batch = ExamBatch.from_praxis([d])
    assert len(batch) == 1 and batch.ids == ("ONE",)
    result = classify_batch(batch)
    assert len(result) == 1
    assert result.to_praxis() == [classify(Exam.from_praxis(d)).to_praxis()]


def test_from_praxis_takes_any_iterable() -> None:
    dicts = sample(5)
    assert_same_batch(ExamBatch.from_praxis(iter(dicts)), ExamBatch.from_praxis(dicts))


# --- validation --------------------------------------------------------------------------


def _broken(change: Any) -> Any:
    exam: dict[str, Any] = normal_exam()
    out = change(exam)
    return exam if out is None else out


INVALID: list[tuple[str, Any]] = [
    ("bad motor", _broken(lambda e: e["right"]["motor"].update(C5="6"))),
    ("bad sensory", _broken(lambda e: e["left"]["lightTouch"].update(T4="3"))),
    ("tag on a normal value", _broken(lambda e: e["right"]["pinPrick"].update(C6="2*"))),
    ("tag on a normal motor value", _broken(lambda e: e["left"]["motor"].update(L2="5**"))),
    ("missing cell", _broken(lambda e: e["left"]["motor"].pop("S1"))),
    ("unknown key", _broken(lambda e: e.update(comment="x"))),
    ("unknown level", _broken(lambda e: e["right"]["motor"].update(T7="5"))),
    ("bad VAC", _broken(lambda e: e.update(voluntaryAnalContraction="maybe"))),
    ("missing DAP", _broken(lambda e: e.pop("deepAnalPressure"))),
    (
        "bad non-key muscle",
        _broken(lambda e: e["right"].update(lowestNonKeyMuscleWithMotorFunction="T13")),
    ),
    (
        "non-key muscle out of range",
        _broken(lambda e: e["left"].update(lowestNonKeyMuscleWithMotorFunction="S4_5")),
    ),
    ("wrong type: a float score", _broken(lambda e: e["right"]["motor"].update(C7=4.0))),
    ("wrong type: a boolean score", _broken(lambda e: e["left"]["pinPrick"].update(S3=True))),
    ("wrong type: a side", _broken(lambda e: e.update(right=["5"] * 10))),
    ("wrong type: an id", _broken(lambda e: e.update(id=1.5))),
    ("wrong type: the exam", "not an exam"),
    ("several problems", _broken(lambda e: e.update(id="P7", dap="?", left=None))),
]


def test_every_invalid_exam_is_reported_with_the_scalar_problems() -> None:
    valid = {"id": "OK", **normal_exam()}
    exams = [valid]
    for _, exam in INVALID:
        exams.extend([exam, copy.deepcopy(valid)])
    expected: list[Problem] = []
    for index, exam in enumerate(exams, 1):
        try:
            Exam.from_praxis(exam, index=index)
        except InvalidExam as error:
            assert error.problems
            expected.extend(error.problems)
    with pytest.raises(InvalidExam) as raised:
        ExamBatch.from_praxis(exams)
    assert raised.value.problems == expected
    # each invalid exam, and only those, is named (exams counted from 1)
    named = {p.exam.split(" (")[0] for p in raised.value.problems}
    assert named == {f"exam {2 * k}" for k in range(1, len(INVALID) + 1)}
    assert str(raised.value) == "\n".join(str(p) for p in expected)


@pytest.mark.parametrize(("why", "exam"), INVALID, ids=[w for w, _ in INVALID])
def test_each_invalid_exam_alone(why: str, exam: Any) -> None:
    with pytest.raises(InvalidExam) as scalar:
        Exam.from_praxis(exam, index=1)
    with pytest.raises(InvalidExam) as batch:
        ExamBatch.from_praxis([exam])
    assert batch.value.problems == scalar.value.problems


# --- result arrays -----------------------------------------------------------------------


def _bits(mask: int) -> set[int]:
    return {b for b in range(32) if mask >> b & 1}


def _level_bit(value: LevelValue) -> int:
    if value is Marker.INT:
        return INT_BIT
    if value is Marker.NA:
        return NA_BIT
    assert isinstance(value, Level)
    return int(value)


def test_result_arrays_match_the_scalar_outcomes() -> None:
    dicts = sample()
    batch = ExamBatch.from_praxis(dicts)
    result = classify_batch(batch)
    assert isinstance(result, BatchClassification)
    n = len(dicts)
    assert len(result) == n and result.ids == batch.ids
    for masks, shape in (
        (result.sensory, (n, 2)),
        (result.motor, (n, 2)),
        (result.sensory_zpp, (n, 2)),
        (result.motor_zpp, (n, 2)),
        (result.nli, (n,)),
    ):
        assert isinstance(masks, LevelMasks)
        assert masks.values.shape == masks.tagged.shape == shape
        assert (masks.values != 0).all(), "every result has a possible value"
        assert (masks.tagged & ~masks.values == 0).all(), "tagged values are possible values"
    for small in (result.ais, result.completeness):
        assert small.values.shape == small.tagged.shape == (n,)
        assert (small.values != 0).all() and (small.tagged & ~small.values == 0).all()
    for field in ("upper_extremity", "lower_extremity", "light_touch", "pin_prick"):
        totals = getattr(result.totals, field)
        assert totals.shape == (n, 2) and (totals >= -1).all()

    ais_order, completeness_order = list(AIS), [Completeness.COMPLETE, Completeness.INCOMPLETE]
    for i, d in enumerate(dicts):
        c = classify(Exam.from_praxis(d))
        assert _bits(int(result.ais.values[i])) == {ais_order.index(a) for a in c.ais.values}
        assert _bits(int(result.ais.tagged[i])) == {ais_order.index(a) for a in c.ais.tagged}
        assert _bits(int(result.completeness.values[i])) == {
            completeness_order.index(v) for v in c.completeness.values
        }
        assert _bits(int(result.nli.values[i])) == {_level_bit(v) for v in c.nli.values}
        assert _bits(int(result.nli.tagged[i])) == {_level_bit(v) for v in c.nli.tagged}
        for s, side in enumerate((c.right, c.left)):
            for masks, outcome in (
                (result.sensory, side.sensory),
                (result.motor, side.motor),
                (result.sensory_zpp, side.sensory_zpp),
                (result.motor_zpp, side.motor_zpp),
            ):
                assert _bits(int(masks.values[i, s])) == {_level_bit(v) for v in outcome.values}
                assert _bits(int(masks.tagged[i, s])) == {_level_bit(v) for v in outcome.tagged}
            st = c.totals.right if s == 0 else c.totals.left
            for field in ("upper_extremity", "lower_extremity", "light_touch", "pin_prick"):
                value = getattr(st, field)
                assert int(getattr(result.totals, field)[i, s]) == (-1 if value is None else value)


def test_masks_select_exams() -> None:
    """Boolean masks over the arrays pick exams, e.g. every AIS A or a determined NLI."""
    dicts = sample()
    result = classify_batch(ExamBatch.from_praxis(dicts))
    ais = result.columns()["ais"]
    is_a = result.ais.values == 1 << list(AIS).index(AIS.A)
    assert set(ais[is_a]) <= {"A"} and (ais[~is_a] != "A").all()
    determined = np.bitwise_count(result.nli.values) == 1
    nli = result.columns()["nli"]
    assert not any("," in text for text in nli[determined])
    assert all("," in text for text in nli[~determined])


# --- exam(i) and take --------------------------------------------------------------------


def test_exam_round_trips() -> None:
    dicts = [*sample(), normal_exam(), make_exam(level_right="C4", level_left="S1")]
    batch = ExamBatch.from_praxis(dicts)
    for i, d in enumerate(dicts):
        original = Exam.from_praxis(d)
        exam = batch.exam(i)
        assert exam == original
        assert exam.id == original.id
        assert exam.to_praxis() == original.to_praxis()
    assert_same_batch(ExamBatch.from_exams([batch.exam(i) for i in range(len(batch))]), batch)


def test_take() -> None:
    dicts = sample(50)
    batch = ExamBatch.from_praxis(dicts)
    full = classify_batch(batch).to_praxis()
    rows = np.array([7, 3, 3, 49, 0], dtype=np.intp)
    taken = batch.take(rows)
    assert_same_batch(taken, ExamBatch.from_praxis([dicts[r] for r in rows]))
    assert classify_batch(taken).to_praxis() == [full[r] for r in rows]
    # a boolean selection through flatnonzero, and nothing
    vac_nt = np.flatnonzero(batch.vac == 2)
    assert [batch.exam(int(r)).vac.value for r in vac_nt] == ["NT"] * len(vac_nt)
    assert len(batch.take(np.array([], dtype=np.intp))) == 0


def test_shapes_are_checked() -> None:
    batch = ExamBatch.from_praxis(sample(3))
    with pytest.raises(ValueError, match="motor"):
        ExamBatch(
            motor=batch.motor[:2],
            light_touch=batch.light_touch,
            pin_prick=batch.pin_prick,
            vac=batch.vac,
            dap=batch.dap,
            non_key_muscle=batch.non_key_muscle,
            ids=batch.ids,
        )
