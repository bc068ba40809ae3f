"""The validation vocabulary of every use case: turning input into validated values, with
problems named by record, field and value (never by a command-line option: the CLI maps a
field to its flag when it prints, see ``regencord.cli.options.flag_of``).

One base input model (:class:`InputModel`), one date type and parser (:data:`Day`,
:func:`parse_date`), one "today" (:func:`today`), one :func:`raise_problems`, one
blank-to-None (:func:`blank_is_none`), one choice-of-enum rule (:func:`choice`,
:func:`choice_field`) and one reason (:data:`Reason`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError

from regencord.problems import SHOWN_LENGTH as SHOWN_LENGTH  # re-exported
from regencord.problems import shown as shown  # re-exported
from regencord.services.errors import FieldProblem, InvalidInput, invalid

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


# ------------------------------------------------------------------- the shared vocabulary


class InputModel(BaseModel):
    """Base of every input model of a use case: unknown fields are refused (a misspelt
    field is an error, not silently dropped) and surrounding whitespace of text is cut."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def raise_problems(problems: Iterable[FieldProblem | None]) -> None:
    """Raise every problem found at once as :class:`InvalidInput` (``None`` entries are
    checks that passed); nothing when there is none."""
    found = [p for p in problems if p is not None]
    if found:
        raise InvalidInput(found)


def blank_is_none(value: object) -> object:
    """Blank text as ``None``: an optional value left empty is a value not given."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


# --- dates ------------------------------------------------------------------------------

NOT_A_DATE = "is not a valid date (YYYY-MM-DD)"
"""The one message for text that is not a calendar date."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_date(value: object) -> date:
    """``value`` as a calendar date: a :class:`~datetime.date`, or text exactly
    ``YYYY-MM-DD`` naming a real day (``2025-1-10``, ``01/02/2025``, ``2025-02-30`` and
    numbers are refused); else :class:`ValueError` with :data:`NOT_A_DATE`."""
    if isinstance(value, datetime):
        raise ValueError(NOT_A_DATE)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
    raise ValueError(NOT_A_DATE)


Day = Annotated[date, BeforeValidator(as_date)]
"""A calendar date of an input model (see :func:`as_date`)."""


def parse_date(record: str, field: str, value: object) -> date:
    """:func:`as_date` for a value outside an input model; a bad one raises
    :class:`InvalidInput` naming ``record`` and ``field``."""
    try:
        return as_date(value)
    except ValueError as error:
        raise invalid(record, field, value, str(error)) from None


def today() -> date:
    """Today, as regencord judges dates: the calendar date of the machine's clock (the
    time zone it runs in, ``TZ``: a site's computer, or a server set to the trial's zone).

    The one "today" of every rule: a date after it is in the future and refused, and
    visit windows and follow-up are due or overdue as of it. A function, so that tests can
    move the clock (``monkeypatch.setattr(validation, "today", ...)``)."""
    return date.today()


def not_after_today(record: str, field: str, day: date) -> FieldProblem | None:
    """Records are of what happened: a date after :func:`today` is refused."""
    if day > today():
        return FieldProblem(record, field, day.isoformat(), "is in the future")
    return None


def _past(day: date) -> date:
    if day > today():
        raise ValueError("is in the future")
    return day


PastDay = Annotated[date, BeforeValidator(as_date), AfterValidator(_past)]
"""A calendar date (:func:`as_date`) that is not in the future (:func:`today`)."""


# --- choices ----------------------------------------------------------------------------

E = TypeVar("E", bound=Enum)


def choices_of(enum: type[Enum], quote: str = "") -> str:
    """The values of ``enum`` as the command line spells them (``not-recovered``), listed:
    ``a, b or c``."""
    values = [f"{quote}{str(member.value).replace('_', '-')}{quote}" for member in enum]
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else "".join(values)


def member_of(enum: type[E], raw: object) -> E | None:
    """The member of ``enum`` that ``raw`` names, by value or name, ignoring case and
    surrounding blanks, ``-`` or a space for ``_``; ``None`` when it names none."""
    if isinstance(raw, enum):
        return raw
    if not isinstance(raw, str):
        return None
    wanted = raw.strip().lower().replace("-", "_").replace(" ", "_")
    for member in enum:
        if wanted in {str(member.value).lower().replace("-", "_"), member.name.lower()}:
            return member
    return None


def choice(enum: type[E], raw: object, *, record: str, field: str, what: str) -> E:
    """The member of ``enum`` that ``raw`` names (:func:`member_of`); else
    :class:`InvalidInput` listing the allowed values: ``'x' is not a status (a, b or c)``."""
    member = member_of(enum, raw)
    if member is None:
        raise invalid(record, field, raw, f"is not a {what} ({choices_of(enum)})")
    return member


def choice_field(enum: type[E]) -> BeforeValidator:
    """:func:`member_of` in an input model (``Annotated[Relatedness, choice_field(Relatedness)]``):
    other text is refused listing the allowed values."""

    def parse(raw: object) -> object:
        if isinstance(raw, str):
            member = member_of(enum, raw)
            if member is None:
                raise ValueError(f"input should be {choices_of(enum, quote=chr(39))}")
            return member
        return raw

    return BeforeValidator(parse)


# --- reasons ----------------------------------------------------------------------------

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


class _ReasonInput(InputModel):
    reason: Reason | None = None


def reason_given(reason: str | None, record: str = "change") -> str | None:
    """``reason`` as :data:`Reason` (``None`` when not given); a blank or too long one
    raises :class:`InvalidInput` naming ``record`` and the field ``reason``."""
    if reason is None:
        return None
    return validated(_ReasonInput, {"reason": reason}, record).reason
