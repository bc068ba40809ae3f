"""Turning input into validated values, with problems named by record, field and value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

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
