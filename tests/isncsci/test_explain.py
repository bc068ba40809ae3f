# ruff: noqa: E501  (golden lines are compared whole)
"""Golden explanations: ``Classification.explain()`` line by line for a few exams (the
wording is part of the engine's output: the CLI and reports print it)."""

from __future__ import annotations

from tests.isncsci.builders import make_exam, run


def test_explain_complete_c5() -> None:
    """A complete C5 injury: one line per result, each with the cells that decided it."""
    exam = make_exam(level_right="C5", level_left="C5")
    assert run(exam).explain() == [
        "Right sensory level = C5: right C6 light touch 0, pin prick 0 (not both normal)",
        "Right motor level = C5: right C6 motor 0 (below 3)",
        "Left sensory level = C5: left C6 light touch 0, pin prick 0 (not both normal)",
        "Left motor level = C5: left C6 motor 0 (below 3)",
        "Neurological level of injury = C5: right C6 light touch 0, pin prick 0 (not both normal); right C6 motor 0 (below 3); left C6 light touch 0, pin prick 0 (not both normal); left C6 motor 0 (below 3)",
        "Injury = C: no sacral sparing (VAC, DAP, S4-5 light touch and pin prick all absent)",
        "AIS = A: complete injury: no sacral sparing",
        "Right sensory ZPP = C5: most caudal dermatome with sensation: C5 light touch 2, pin prick 2",
        "Right motor ZPP = C5: no motor function below motor level C5",
        "Left sensory ZPP = C5: most caudal dermatome with sensation: C5 light touch 2, pin prick 2",
        "Left motor ZPP = C5: no motor function below motor level C5",
    ]


def test_explain_nt_key_muscle() -> None:
    """An NT key muscle: the results it leaves open list every possible value, each with why."""
    exam = make_exam(level_right="T10", level_left="T10", dap="Yes", cells={"left.motor.L2": "NT"})
    assert run(exam).explain() == [
        "Right sensory level = T10: right T11 light touch 0, pin prick 0 (not both normal)",
        "Right motor level = T10: sensation not intact down to this segment (the motor level follows it here)",
        "Left sensory level = T10: left T11 light touch 0, pin prick 0 (not both normal)",
        "Left motor level = T10: sensation not intact down to this segment (the motor level follows it here)",
        "Neurological level of injury = T10: right T11 light touch 0, pin prick 0 (not both normal); left T11 light touch 0, pin prick 0 (not both normal)",
        "Injury = I: sacral sparing: deep anal pressure is Yes",
        "AIS is not determinable (NT values); possible values follow",
        "AIS = B: sensory incomplete, motor complete: no voluntary anal contraction and no motor function more than three levels below the motor level on either side",
        "AIS = C: motor incomplete; 0 of 10 key muscles below NLI T10 at grade 3 or more (less than half)",
        "Right sensory ZPP = NA: sacral sensation (DAP or S4-5) is present",
        "Right motor ZPP = T10: no motor function below motor level T10",
        "Left sensory ZPP = NA: sacral sensation (DAP or S4-5) is present",
        "Left motor ZPP is not determinable (NT values); possible values follow",
        "Left motor ZPP = T10: no motor function below motor level T10",
        "Left motor ZPP = L2: most caudal key muscle with motor function below motor level T10: L2 is NT",
    ]


def test_explain_tag_that_does_not_decide_the_grade() -> None:
    """Issue 9's first example: the explanation says why C is untagged (T1)."""
    exam = make_exam(
        level_right="L1",
        level_left="L1",
        dap="Yes",
        cells={"right.motor.L4": "3", "left.motor.L4": "3", "left.motor.S1": "1**"},
    )
    assert run(exam).explain() == [
        "Right sensory level = L1: right L2 light touch 0, pin prick 0 (not both normal)",
        "Right motor level = L1: right L2 motor 0 (below 3)",
        "Left sensory level = L1: left L2 light touch 0, pin prick 0 (not both normal)",
        "Left motor level = L1: left L2 motor 0 (below 3)",
        "Neurological level of injury = L1: right L2 light touch 0, pin prick 0 (not both normal); right L2 motor 0 (below 3); left L2 light touch 0, pin prick 0 (not both normal); left L2 motor 0 (below 3)",
        "Injury = I: sacral sparing: deep anal pressure is Yes",
        "AIS = C: motor incomplete; 3 of 10 key muscles below NLI L1 at grade 3 or more (less than half); holds whether or not the non-SCI tag of left S1 1** is accepted",
        "Right sensory ZPP = NA: sacral sensation (DAP or S4-5) is present",
        "Right motor ZPP = L4: most caudal key muscle with motor function below motor level L1: L4 is 3",
        "Left sensory ZPP = NA: sacral sensation (DAP or S4-5) is present",
        "Left motor ZPP = S1: most caudal key muscle with motor function below motor level L1: S1 is 1**",
    ]
