"""One table per tag adjudication (docs/adjudications.md T2-T7) against ``judgements.py``:
for each recorded value, the answers the classification may take and which rest on the
non-SCI tag. ``yes*`` is "yes, through the tag"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from regencord.isncsci.cells import Cell, CellKind, parse_cell
from regencord.isncsci.judgements import (
    Judgements,
    antigravity_for_grade,
    dermatome_intact,
    motor_antigravity,
    motor_function_for_grade,
    motor_normal,
    motor_present,
    sensory_normal,
    sensory_present,
)


def _cell(text: str, kind: CellKind) -> Cell:
    cell = parse_cell(text, kind)
    assert cell is not None, text
    return cell


def _answers(judgements: Judgements) -> set[str]:
    return {("yes" if j.answer else "no") + ("*" if j.tagged else "") for j in judgements}


def _check(question: Callable[[Cell], Judgements], kind: CellKind, value: str, want: str) -> None:
    assert _answers(question(_cell(value, kind))) == set(want.split()), value


SENSORY_NORMAL = [  # T2: ** counts as normal (tagged); NT* as not normal (tagged); 0*/1* not
    ("2", "yes"),
    ("1", "no"),
    ("0", "no"),
    ("NT", "yes no"),
    ("0**", "yes*"),
    ("1**", "yes*"),
    ("NT**", "yes*"),
    ("NT*", "no*"),  # case 87: C1*
    ("0*", "no"),  # case 94
    ("1*", "no"),
]


@pytest.mark.parametrize(("value", "want"), SENSORY_NORMAL)
def test_t2_sensation_normal(value: str, want: str) -> None:
    _check(sensory_normal, CellKind.SENSORY, value, want)


DERMATOME_INTACT = [  # T3: NT** beside a plain NT is not relied upon; two NT** are
    ("NT", "NT**", "yes no"),  # case 131
    ("NT**", "NT", "yes no"),
    ("NT**", "NT**", "yes*"),  # case 84: T6*
    ("2", "2", "yes"),
    ("2", "1", "no"),
    ("2", "0**", "yes*"),
    ("2", "NT*", "no*"),
    ("1*", "NT*", "no"),  # an untagged reason to stop is enough on its own (T1)
]


@pytest.mark.parametrize(("light_touch", "pin_prick", "want"), DERMATOME_INTACT)
def test_t3_dermatome_intact(light_touch: str, pin_prick: str, want: str) -> None:
    lt, pp = _cell(light_touch, CellKind.SENSORY), _cell(pin_prick, CellKind.SENSORY)
    assert _answers(dermatome_intact(lt, pp)) == set(want.split())


SENSORY_PRESENT = [  # T4: 0* may hide sensation, both answers tagged; 0** present, tagged
    ("0*", "yes* no*"),  # case 88: C*,I*
    ("NT*", "yes no"),  # case 87
    ("0**", "yes*"),  # case 100: I*
    ("NT**", "yes"),
    ("0", "no"),
    ("1", "yes"),
    ("1*", "yes"),
    ("NT", "yes no"),
]


@pytest.mark.parametrize(("value", "want"), SENSORY_PRESENT)
def test_t4_sensation_present(value: str, want: str) -> None:
    _check(sensory_present, CellKind.SENSORY, value, want)


MOTOR_ANTIGRAVITY = [  # T5: a * grade below 3 may hide strength (tagged); ** passes
    ("2*", "yes* no"),  # case 94: C6,C7*
    ("NT*", "yes* no"),  # case 89: C5,C6*
    ("2**", "yes*"),  # cases 117, 118
    ("1**", "yes*"),
    ("NT**", "yes"),  # case 90: C6
    ("3", "yes"),
    ("3*", "yes"),
    ("2", "no"),
    ("NT", "yes no"),
]


@pytest.mark.parametrize(("value", "want"), MOTOR_ANTIGRAVITY)
def test_t5_motor_antigravity(value: str, want: str) -> None:
    _check(motor_antigravity, CellKind.MOTOR, value, want)


MOTOR_NORMAL = [  # T5: ** is normal (tagged); * never is; NT* is not normal (tagged)
    ("5", "yes"),
    ("4", "no"),
    ("4**", "yes*"),
    ("4*", "no"),
    ("NT*", "no*"),
    ("NT**", "yes*"),
    ("NT", "yes no"),
]


@pytest.mark.parametrize(("value", "want"), MOTOR_NORMAL)
def test_t5_motor_normal(value: str, want: str) -> None:
    _check(motor_normal, CellKind.MOTOR, value, want)


MOTOR_PRESENT = [  # T6: a * 0 may hide function (tagged) or not (untagged)
    ("0*", "yes* no"),  # case 101: ZPP T1,L2*
    ("NT*", "yes no"),  # cases 84, 87
    ("NT**", "yes"),
    ("0**", "yes*"),
    ("0", "no"),
    ("1", "yes"),
    ("NT", "yes no"),
]


@pytest.mark.parametrize(("value", "want"), MOTOR_PRESENT)
def test_t6_motor_present(value: str, want: str) -> None:
    _check(motor_present, CellKind.MOTOR, value, want)


MOTOR_FUNCTION_FOR_GRADE = [  # T7: the AIS step reads the recorded * score as tagged
    ("0*", "yes no*"),  # case 101: B*,C
    ("NT*", "yes no"),
    ("0**", "yes*"),
    ("0", "no"),
    ("1*", "yes"),
]


@pytest.mark.parametrize(("value", "want"), MOTOR_FUNCTION_FOR_GRADE)
def test_t7_motor_function_for_grade(value: str, want: str) -> None:
    _check(motor_function_for_grade, CellKind.MOTOR, value, want)


ANTIGRAVITY_FOR_GRADE = [  # T7 (and T12): a * grade below 3 counts untagged, as recorded tagged
    ("2*", "yes no*"),  # case 130: B*,C*,D
    ("0*", "yes no*"),
    ("NT*", "yes no"),
    ("1**", "yes*"),
    ("3", "yes"),
    ("2", "no"),
]


@pytest.mark.parametrize(("value", "want"), ANTIGRAVITY_FOR_GRADE)
def test_t7_antigravity_for_grade(value: str, want: str) -> None:
    _check(antigravity_for_grade, CellKind.MOTOR, value, want)
