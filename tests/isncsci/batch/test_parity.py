"""Parity: the batch engine gives the scalar engine's result on every field of every exam.

``classify_batch(batch).to_praxis()[i] == classify(exam_i).to_praxis()`` for the 128
conformance cases, for hypothesis-drawn batches, and for 100,000 realistic synthetic exams
(four data sets; the scalar side runs in two worker processes).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regencord.isncsci import DERMATOMES, MYOTOMES, Exam, Level, SideExam, classify
from regencord.isncsci.batch import ExamBatch, classify_batch
from regencord.isncsci.cells import AnalFunction, Cell, CellKind, parse_cell
from regencord.isncsci.synthetic import generate_exams
from tests.isncsci.conformance import (
    SUITE,
    case_to_exam,
    conformance_required,
    load_cases,
    suite_available,
)
from tests.isncsci.strategies import exams

# --- comparing results -------------------------------------------------------------------


def _flat(d: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in d.items():
        if isinstance(value, Mapping):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def differences(batch: Mapping[str, Any], scalar: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields whose values differ: ``{field: (batch, scalar)}``."""
    b, s = dict(_flat(batch)), dict(_flat(scalar))
    return {k: (b.get(k), s.get(k)) for k in sorted(b.keys() | s.keys()) if b.get(k) != s.get(k)}


def assert_parity(
    exams_: Sequence[Mapping[str, Any]],
    batch: Sequence[Mapping[str, Any]],
    scalar: Sequence[Mapping[str, Any]],
) -> None:
    assert len(batch) == len(scalar) == len(exams_)
    failures = [
        f"exam {i}: {diff} (batch, scalar)\n  {dict(exams_[i])}"
        for i, (b, s) in enumerate(zip(batch, scalar, strict=True))
        if b != s and (diff := differences(b, s))
    ]
    assert not failures, f"{len(failures)} exams differ:\n" + "\n".join(failures[:5])


def check_batch(dicts: Sequence[Mapping[str, Any]]) -> None:
    batch = classify_batch(ExamBatch.from_praxis(dicts)).to_praxis()
    scalar = [classify(Exam.from_praxis(d)).to_praxis() for d in dicts]
    assert_parity(dicts, batch, scalar)


# --- the conformance suite ---------------------------------------------------------------


def test_conformance_cases_as_one_batch() -> None:
    if not suite_available():
        if conformance_required():
            pytest.fail(f"conformance suite missing at {SUITE}")
        pytest.skip(f"ISNCSCI conformance suite not found at {SUITE} (../shared/isncsci)")
    cases = load_cases()
    assert len(cases) == 128
    dicts = [{"id": str(c["id"]), **case_to_exam(c)} for c in cases]
    check_batch(dicts)


# --- hypothesis --------------------------------------------------------------------------

PARITY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PARITY
@given(st.lists(exams(), min_size=2, max_size=6))
def test_drawn_batches(dicts: list[dict[str, Any]]) -> None:
    check_batch(dicts)


@PARITY
@given(
    st.lists(exams(nt=False, tags=False), min_size=1, max_size=4),
    st.lists(exams(), min_size=1, max_size=4),
    st.randoms(use_true_random=False),
)
def test_drawn_batches_mixing_clean_and_nt_exams(
    clean: list[dict[str, Any]], other: list[dict[str, Any]], rng: Any
) -> None:
    """Exams without NT or tags and exams with them, interleaved in one batch."""
    dicts = clean + other
    rng.shuffle(dicts)
    check_batch(dicts)


# --- 100,000 synthetic exams -------------------------------------------------------------

CHUNK = 5_000
DATA_SETS: tuple[tuple[str, dict[str, float]], ...] = (
    ("no NT", {"nt_rate": 0.0, "tag_rate": 0.0, "non_key_rate": 0.0}),
    ("3% NT, 2% tags", {"nt_rate": 0.03, "tag_rate": 0.02, "non_key_rate": 0.1}),
    ("20% NT, 10% tags", {"nt_rate": 0.2, "tag_rate": 0.1, "non_key_rate": 0.1}),
    ("non-key muscles", {"nt_rate": 0.05, "tag_rate": 0.02, "non_key_rate": 1.0}),
)
CHUNKS_PER_SET = 5  # 4 sets x 5 chunks x 5,000 = 100,000 exams


def _chunks() -> list[tuple[str, int, dict[str, float]]]:
    return [
        (name, 1000 * s + k, rates)
        for s, (name, rates) in enumerate(DATA_SETS, 1)
        for k in range(CHUNKS_PER_SET)
    ]


class _Tokens(dict[str, Cell]):
    """Cells by token, each parsed once with :func:`parse_cell`."""

    def __init__(self, kind: CellKind) -> None:
        super().__init__()
        self.kind = kind

    def __missing__(self, token: str) -> Cell:
        cell = parse_cell(token, self.kind)
        assert cell is not None, token
        self[token] = cell
        return cell


_MOTOR, _SENSORY = _Tokens(CellKind.MOTOR), _Tokens(CellKind.SENSORY)


def _exam(d: Mapping[str, Any]) -> Exam:
    """``Exam.from_praxis(d)`` for a generated (valid) exam, without the structural checks
    (a third of the scalar side's time); checked against it on a sample."""

    def side(s: Mapping[str, Any]) -> SideExam:
        nkm = s.get("lowestNonKeyMuscleWithMotorFunction")
        return SideExam(
            motor=MappingProxyType({lv: _MOTOR[s["motor"][lv.name]] for lv in MYOTOMES}),
            light_touch=MappingProxyType(
                {lv: _SENSORY[s["lightTouch"][lv.name]] for lv in DERMATOMES}
            ),
            pin_prick=MappingProxyType({lv: _SENSORY[s["pinPrick"][lv.name]] for lv in DERMATOMES}),
            lowest_non_key_muscle=None if nkm is None else Level.parse(nkm),
        )

    vac = AnalFunction.parse(d["voluntaryAnalContraction"])
    dap = AnalFunction.parse(d["deepAnalPressure"])
    assert vac is not None and dap is not None
    return Exam(right=side(d["right"]), left=side(d["left"]), vac=vac, dap=dap, id=d.get("id"))


def _scalar_chunk(seed: int, rates: dict[str, float]) -> tuple[ExamBatch, list[dict[str, Any]]]:
    """One chunk's exams as a batch, and their scalar results (runs in a worker)."""
    dicts = generate_exams(CHUNK, seed=seed, **rates)
    parsed = [_exam(d) for d in dicts]
    for i in range(0, CHUNK, 50):
        expected = Exam.from_praxis(dicts[i])
        assert parsed[i] == expected and parsed[i].id == expected.id
    return ExamBatch.from_exams(parsed), [classify(e).to_praxis() for e in parsed]


def concat(batches: Sequence[ExamBatch]) -> ExamBatch:
    def cat(name: str) -> Any:
        return np.concatenate([getattr(b, name) for b in batches])

    return ExamBatch(
        motor=cat("motor"),
        light_touch=cat("light_touch"),
        pin_prick=cat("pin_prick"),
        vac=cat("vac"),
        dap=cat("dap"),
        non_key_muscle=cat("non_key_muscle"),
        ids=tuple(i for b in batches for i in b.ids),
    )


def test_100000_synthetic_exams() -> None:
    start = time.perf_counter()
    chunks = _chunks()
    # forkserver: a clean worker, whatever threads this process runs (dask's tests)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as pool:
        futures = [pool.submit(_scalar_chunk, seed, rates) for _, seed, rates in chunks]
        done = [f.result() for f in futures]
    scalar_seconds = time.perf_counter() - start
    batch = concat([b for b, _ in done])
    scalar = [r for _, results in done for r in results]
    t = time.perf_counter()
    results = classify_batch(batch).to_praxis()
    batch_seconds = time.perf_counter() - t

    failures: list[str] = []
    differing = 0
    for c, (name, seed, rates) in enumerate(chunks):
        rows = range(c * CHUNK, (c + 1) * CHUNK)
        bad = [i for i in rows if results[i] != scalar[i]]
        differing += len(bad)
        if bad:
            dicts = generate_exams(CHUNK, seed=seed, **rates)
            for i in bad[:3]:
                diff = differences(results[i], scalar[i])
                exam = dicts[i - c * CHUNK]
                failures.append(f"{name} (seed {seed}): {diff} (batch, scalar)\n  {exam}")
            failures.append(f"{name} (seed {seed}): {len(bad)} of {CHUNK} exams differ")
    n = len(scalar)
    print(
        f"\nparity: {n} synthetic exams ({len(DATA_SETS)} data sets) compared on every field, "
        f"{differing} differ; scalar {scalar_seconds:.1f} s on 2 processes, "
        f"batch {batch_seconds:.2f} s"
    )
    assert n == len(DATA_SETS) * CHUNKS_PER_SET * CHUNK == 100_000
    assert not failures, "\n".join(failures)
