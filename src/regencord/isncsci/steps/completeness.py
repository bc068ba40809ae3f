"""Step 4: complete or incomplete injury.

International Standards (2019), step 4: the injury is incomplete when there is sacral
sparing: voluntary anal contraction, deep anal pressure, or any light touch or pin prick
sensation at S4-5 on either side. Otherwise it is complete.
"""

from __future__ import annotations

from enum import Enum
from itertools import product

from regencord.isncsci.exam import SIDES, Exam
from regencord.isncsci.judgements import Judgements, anal_yes, sensory_present
from regencord.isncsci.levels import Level
from regencord.isncsci.possible_values import Explained, PossibleValuesBuilder


class Completeness(Enum):
    COMPLETE = "C"
    INCOMPLETE = "I"

    def __str__(self) -> str:
        return self.value


def sacral_sparing_judgements(exam: Exam) -> list[tuple[str, Judgements]]:
    """The six findings of sacral sparing, each with its possible answers."""
    findings = [
        (f"voluntary anal contraction is {exam.vac.value}", anal_yes(exam.vac)),
        (f"deep anal pressure is {exam.dap.value}", anal_yes(exam.dap)),
    ]
    for side in SIDES:
        s = exam.side(side)
        lt, pp = s.light_touch[Level.S4_5], s.pin_prick[Level.S4_5]
        findings.append((f"{side.value} S4-5 light touch is {lt}", sensory_present(lt)))
        findings.append((f"{side.value} S4-5 pin prick is {pp}", sensory_present(pp)))
    return findings


def sensory_sparing(exam: Exam) -> frozenset[bool]:
    """Whether sacral sensory sparing (DAP, S4-5 light touch or pin prick) may be present
    (True) and may be absent (False): what makes an injury incomplete when VAC is absent."""
    findings = [j for _, j in sacral_sparing_judgements(exam)[1:]]
    present = any(x.answer for j in findings for x in j)
    absent = all(any(not x.answer for x in j) for j in findings)
    return frozenset(v for v, possible in ((True, present), (False, absent)) if possible)


def completeness(exam: Exam) -> Explained[Completeness]:
    """Complete when no sacral sparing is possible; incomplete when any is."""
    findings = sacral_sparing_judgements(exam)
    builder: PossibleValuesBuilder[Completeness] = PossibleValuesBuilder()
    for combo in product(*(j for _, j in findings)):
        present = [findings[i][0] for i, j in enumerate(combo) if j.answer]
        if present:
            tag = all(j.tagged for j in combo if j.answer)
            builder.add(Completeness.INCOMPLETE, tag, f"sacral sparing: {', '.join(present)}")
        else:
            why = "no sacral sparing (VAC, DAP, S4-5 light touch and pin prick all absent)"
            builder.add(Completeness.COMPLETE, any(j.tagged for j in combo), why)
    return Explained.of(builder)
