"""Turning input into validated values, with problems named by record, field and value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ValidationError

from regencord.problems import SHOWN_LENGTH as SHOWN_LENGTH  # re-exported
from regencord.problems import shown as shown  # re-exported
from regencord.services.errors import FieldProblem, InvalidInput

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Mapping[str, Any] | M, record: str) -> M:
    """``data`` as ``model``; every problem raised at once as :class:`InvalidInput`."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = []
        for e in error.errors():
            field = ".".join(str(p) for p in e["loc"]) or "(record)"
            # A missing field or a whole-record rule has no single value to show.
            value = None if e["type"] == "missing" or not e["loc"] else e.get("input")
            problems.append(FieldProblem(record, field, value, _message(e)))
        raise InvalidInput(problems) from None


def _message(error: Mapping[str, Any]) -> str:
    text = str(error.get("msg", "is invalid"))
    if text.startswith("Value error, "):
        text = text.removeprefix("Value error, ")
    return text[0].lower() + text[1:] if text else "is invalid"


REASON_MAX_LENGTH = 500


def _reason_text(raw: object) -> object:
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise ValueError("must not be blank: say why the saved value changes")
        if len(text) > REASON_MAX_LENGTH:
            raise ValueError(f"is longer than {REASON_MAX_LENGTH} characters")
        return text
    return raw


Reason = Annotated[str, BeforeValidator(_reason_text)]
"""Why a saved value changes (recorded in the audit trail): stripped of surrounding
whitespace; blank or whitespace-only text is refused. The one reason type of every use
case that takes a reason."""


class _ReasonInput(BaseModel):
    reason: Reason | None = None


def reason_given(reason: str | None, record: str = "change") -> str | None:
    """``reason`` as :data:`Reason` (``None`` when not given); a blank or too long one
    raises :class:`InvalidInput` naming ``record`` and the field ``reason``."""
    if reason is None:
        return None
    return validated(_ReasonInput, {"reason": reason}, record).reason
