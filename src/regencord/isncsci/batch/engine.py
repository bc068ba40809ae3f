"""``classify_batch``: the ISNCSCI classification of N exams at once, vectorized with NumPy.

Same rules and same answers as :func:`regencord.isncsci.classify` (parity-tested on every
field): every NT and tag judgement comes from the scalar engine's tables
(:mod:`.codes`), and each step mirrors its scalar module.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from regencord.isncsci.batch.clean import classify_clean, is_clean
from regencord.isncsci.batch.codes import (
    ALL_OF,
    ANAL_YES,
    ANY_OF,
    DERMATOME_INTACT,
    MOTOR_ANTIGRAVITY,
    MOTOR_NORMAL,
    NO,
    NO_T,
    SENSORY_PRESENT,
    YES,
    YES_T,
    counted_non_key_muscles,
)
from regencord.isncsci.batch.exam_batch import ExamBatch
from regencord.isncsci.batch.grade import asia_impairment_scale, completeness, sacral_sparing
from regencord.isncsci.batch.result import BatchClassification, BatchTotals
from regencord.isncsci.batch.walks import (
    LevelMasks,
    motor_checks,
    motor_levels,
    neurological_levels,
    sensory_levels,
)
from regencord.isncsci.batch.zpp import motor_zpp, sensory_zpp
from regencord.isncsci.levels import UPPER_MYOTOMES

U32 = npt.NDArray[np.uint32]


CHUNK = 1 << 17
"""Exams classified together: bounds the working memory (about 1 KB per exam)."""


def classify_batch(batch: ExamBatch) -> BatchClassification:
    """Classify every exam of ``batch`` by the International Standards (2019).

    Exams with no NT cell, no tag and VAC/DAP known take the closed-form path
    (:mod:`.clean`); the others the table-driven walks that follow every NT branch.
    Large batches are worked through in chunks of :data:`CHUNK` exams.
    """
    n = len(batch)
    if n <= CHUNK:
        return _classify_chunk(batch)
    first = _classify_chunk(batch.slice(0, CHUNK))
    result = first.allocate_like(n, batch.ids)
    result.fill(0, first)
    for start in range(CHUNK, n, CHUNK):
        result.fill(start, _classify_chunk(batch.slice(start, start + CHUNK)))
    return result


def _classify_chunk(batch: ExamBatch) -> BatchClassification:
    clean = is_clean(batch)
    all_clean = bool(clean.all())
    if all_clean:
        fields = classify_clean(batch)
    elif not clean.any():
        fields = _classify_general(batch)
    else:
        rows = np.flatnonzero(clean)
        other = np.flatnonzero(~clean)
        fields = _merge(
            len(batch),
            (rows, classify_clean(batch.take(rows, with_ids=False))),
            (other, _classify_general(batch.take(other, with_ids=False))),
        )
    return BatchClassification(ids=batch.ids, totals=_totals(batch, all_clean), **fields)  # type: ignore[arg-type]


def _merge(n: int, *parts: tuple[npt.NDArray[np.intp], dict[str, object]]) -> dict[str, object]:
    """Results of disjoint row subsets, put back in row order."""
    merged: dict[str, object] = {}
    for name, first in parts[0][1].items():
        kind = type(first)
        arrays = {}
        for attr in ("values", "tagged"):
            sample = getattr(first, attr)
            out = np.zeros((n, *sample.shape[1:]), sample.dtype)
            for rows, fields in parts:
                out[rows] = getattr(fields[name], attr)
            arrays[attr] = out
        merged[name] = kind(**arrays)
    return merged


def _classify_general(batch: ExamBatch) -> dict[str, object]:
    """All results through the walks (any exam)."""
    dermatomes = DERMATOME_INTACT[batch.light_touch, batch.pin_prick]
    checks = motor_checks(MOTOR_NORMAL[batch.motor], MOTOR_ANTIGRAVITY[batch.motor])
    sensory = sensory_levels(dermatomes)
    motor_walk, motor_without_vac = motor_levels(checks, dermatomes, batch.vac)
    motor = motor_walk.levels
    nli = neurological_levels(dermatomes, checks)
    nli = LevelMasks(nli.values, nli.values & _nli_tag_bits(sensory, motor_without_vac, nli))
    vac_yes, dap_yes = ANAL_YES[batch.vac], ANAL_YES[batch.dap]
    non_key_muscle = counted_non_key_muscles(batch.non_key_muscle)
    sparing_without_vac = sacral_sparing(
        np.full_like(vac_yes, 4), dap_yes, batch.light_touch, batch.pin_prick
    )
    complete = completeness(ANY_OF[vac_yes, sparing_without_vac])
    vac_definite_yes = batch.vac == 1
    ais = asia_impairment_scale(
        motor=batch.motor,
        non_key_muscle=non_key_muscle,
        vac_yes=vac_yes,
        sparing_without_vac=sparing_without_vac,
        complete=complete,
        nli=nli,
        sensory=sensory,
        motor_levels=motor,
        vac_definite_yes=vac_definite_yes,
        grades_without_tags=_grades_without_tags(batch, vac_definite_yes & (nli.tagged != 0)),
    )
    szpp = sensory_zpp(batch.light_touch, batch.pin_prick, dap_yes)
    mzpp = motor_zpp(
        batch.motor,
        non_key_muscle,
        vac_yes,
        motor,
        motor_walk.passed_tagged,
        (sparing_without_vac & (YES | YES_T)) != 0,
        (sparing_without_vac & (NO | NO_T)) != 0,
    )
    return {
        "sensory": sensory,
        "motor": motor,
        "nli": nli,
        "completeness": complete,
        "ais": ais,
        "sensory_zpp": szpp,
        "motor_zpp": mzpp,
    }


def _grades_without_tags(batch: ExamBatch, needed: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]:
    """(N,) AIS grade bits of each exam with every non-SCI tag rejected (each tagged cell
    read as its recorded score) where ``needed`` (VAC Yes and an NLI resting on a tag: a C
    or D that holds without the tags is untagged, A11), else 0. Scalar
    ``classification._grades_without_tags``."""
    out = np.zeros(len(batch), np.uint8)
    rows = np.flatnonzero(needed)
    if rows.size:
        part = batch.take(rows, with_ids=False)
        plain = replace(
            part,
            motor=part.motor & _VALUE,
            light_touch=part.light_touch & _VALUE,
            pin_prick=part.pin_prick & _VALUE,
        )
        out[rows] = _classify_chunk(plain).ais.values
    return out


_VALUE = np.uint8(7)
"""A cell code's score bits (the tag dropped)."""


def _nli_tag_bits(sensory: LevelMasks, motor: LevelMasks, walk: LevelMasks) -> U32:
    """Scalar ``neurological_level._tagged`` for every level at once: the tags of the motor
    levels where a motor level is determined, else of the sensory levels, else motor; and
    where the walk reached a level through a tag, every level rostral to all of one level
    mask's values but tagged ones (A4)."""
    determined = (motor.values & (motor.values - np.uint32(1))) == 0
    motor_def = np.where(determined, motor.values, 0).astype(np.uint32)
    motor_def = motor_def[:, 0] | motor_def[:, 1]
    sens = sensory.values[:, 0] | sensory.values[:, 1]
    motor_tag = motor.tagged[:, 0] | motor.tagged[:, 1]
    sens_tag = sensory.tagged[:, 0] | sensory.tagged[:, 1]
    from_sensory = ~motor_def & sens
    tags: U32 = (~from_sensory & motor_tag) | (from_sensory & sens_tag)
    for masks in (sensory, motor):
        for side in (0, 1):
            values, tagged = masks.values[:, side], masks.tagged[:, side]
            # Levels rostral to every untagged value and to some value: caudal only by a tag.
            only_tagged_below = (_smear(values) >> np.uint32(1)) & ~_smear(values & ~tagged)
            tags |= only_tagged_below & ~values & walk.tagged
    return tags


def _smear(x: U32) -> U32:
    """Every bit at or below each mask's highest bit."""
    for shift in (1, 2, 4, 8, 16):
        x = x | (x >> np.uint32(shift))
    return x


def _sum(codes: npt.NDArray[np.uint8], clean: bool) -> npt.NDArray[np.int16]:
    """Sums over the last axis; -1 (ND) where a cell is NT. Tags do not count."""
    if clean:
        sums: npt.NDArray[np.int16] = np.einsum("...k->...", codes, dtype=np.int16)
        return sums
    values = codes & np.uint8(7)
    total = np.einsum("...k->...", values, dtype=np.int16)
    nt = np.einsum("...k->...", (values == 6).view(np.uint8), dtype=np.int16) > 0
    return np.where(nt, -1, total).astype(np.int16)


def _totals(batch: ExamBatch, clean: bool) -> BatchTotals:
    return BatchTotals(
        upper_extremity=_sum(batch.motor[..., : len(UPPER_MYOTOMES)], clean),
        lower_extremity=_sum(batch.motor[..., len(UPPER_MYOTOMES) :], clean),
        light_touch=_sum(batch.light_touch, clean),
        pin_prick=_sum(batch.pin_prick, clean),
    )


__all__ = ["ALL_OF", "SENSORY_PRESENT", "classify_batch"]
