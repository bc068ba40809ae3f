"""What the participant use cases accept: a participant as entered (pseudonymous), its
vertebral level, an eligibility answer."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
    ValidationInfo,
    field_validator,
)

from regencord.services.validation import (
    InputModel,
    PastDay,
    Reason,
)
from regencord.store.models import (
    Sex,
)

STUDY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

_SEGMENTS = {"C": 7, "T": 12, "L": 5, "S": 5}
_REGIONS = "CTLS"
_LEVEL = r"(C[1-7]|T(?:1[0-2]|[1-9])|L[1-5]|S[1-5])"
_LEVEL_RE = re.compile(rf"^{_LEVEL}(?:-{_LEVEL})?$")

EDITABLE = ("age_at_injury", "sex", "injury_date", "mechanism", "vertebral_level", "consent_date")
"""Fields of a participant that :func:`update_participant` corrects (with a reason)."""


# ---------------------------------------------------------------------------- validation


def level_index(level: str) -> int:
    """Position of a vertebra from the top (C1 = 0) for ordering a range."""
    region = level[0]
    before = sum(_SEGMENTS[r] for r in _REGIONS[: _REGIONS.index(region)])
    return before + int(level[1:]) - 1


def vertebral_level(value: str) -> str:
    """``value`` as a vertebral level (``C4``) or span (``C4-C5``), upper case; else
    :class:`ValueError` saying what is expected."""
    text = value.strip().upper()
    match = _LEVEL_RE.match(text)
    if match is None:
        raise ValueError("is not a vertebral level like C4 or C4-C5 (C1-C7, T1-T12, L1-L5, S1-S5)")
    upper, lower = match.group(1), match.group(2)
    if lower is not None and level_index(lower) <= level_index(upper):
        raise ValueError("must run from the upper to a lower vertebra, e.g. C4-C5")
    return text


StudyId = Annotated[str, Field(min_length=1, max_length=40, pattern=STUDY_ID_PATTERN)]
VertebralLevel = Annotated[str, Field(max_length=20), AfterValidator(vertebral_level)]


class ParticipantInput(InputModel):
    """A participant as entered: pseudonymous, no names, birth dates or contact data."""

    study_id: StudyId
    age_at_injury: Annotated[int, Field(ge=0, le=120)]
    sex: Sex
    injury_date: PastDay
    mechanism: Annotated[str | None, Field(min_length=1, max_length=100)] = None
    vertebral_level: VertebralLevel | None = None
    consent_date: PastDay | None = None

    @field_validator("consent_date")
    @classmethod
    def _consent_after_injury(cls, value: date | None, info: ValidationInfo) -> date | None:
        injury = info.data.get("injury_date")
        if value is not None and injury is not None and value < injury:
            raise ValueError(f"is before the injury date {injury.isoformat()}")
        return value


class EligibilityInput(InputModel):
    criterion: Annotated[str, Field(min_length=1, max_length=200)]
    met: bool
    note: Annotated[str | None, Field(max_length=500)] = None


class ReasonInput(InputModel):
    reason: Reason
