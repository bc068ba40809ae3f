"""Participant flow (CONSORT-style counts): screened, enrolled, transplanted, completed,
withdrawn.

Counts come from each participant's status history, so a participant withdrawn after
enrolment still counts as enrolled; withdrawals are split by whether they came before or
after the transplant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from regencord.outcomes.model import ParticipantData

_ENROLLED = {"enrolled", "transplanted", "completed"}


@dataclass(frozen=True)
class Flow:
    screened: int
    enrolled: int
    transplanted: int
    in_follow_up: int
    completed: int
    withdrawn_before_transplant: int
    withdrawn_after_transplant: int
    withdrawal_reasons: tuple[tuple[str, str], ...]
    """(study id, reason) of every withdrawal."""

    @property
    def withdrawn(self) -> int:
        return self.withdrawn_before_transplant + self.withdrawn_after_transplant


def participant_flow(participants: Sequence[ParticipantData]) -> Flow:
    def enrolled(p: ParticipantData) -> bool:
        return p.transplant is not None or bool(_ENROLLED & {*p.statuses, p.status})

    withdrawn = [p for p in participants if p.status == "withdrawn"]
    return Flow(
        screened=len(participants),
        enrolled=sum(enrolled(p) for p in participants),
        transplanted=sum(p.transplant is not None for p in participants),
        in_follow_up=sum(p.status == "transplanted" for p in participants),
        completed=sum(p.status == "completed" for p in participants),
        withdrawn_before_transplant=sum(p.transplant is None for p in withdrawn),
        withdrawn_after_transplant=sum(p.transplant is not None for p in withdrawn),
        withdrawal_reasons=tuple((p.study_id, p.withdrawal_reason or "-") for p in withdrawn),
    )
