"""What a measure's input is, by kind: the names a kind may be given by, the unit of
each kind, the validated input of each kind and the stored columns it gives.

Rules: WISCI II is a level 0-20; SCIM III is its 19 item scores
(:mod:`~regencord.services.scim`); the 10-metre walk is seconds (more than 0, at most
600) with the walking aid; the 6-minute walk is metres (0-1000); a custom measure has a
name (not the name of a built-in kind), a value and a unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, field_validator

from regencord.services.errors import invalid
from regencord.services.scim import scim_scores
from regencord.services.validation import InputModel
from regencord.store.models import MeasureKind

KIND_NAMES: Mapping[str, MeasureKind] = {
    "wisci": MeasureKind.WISCI,
    "scim": MeasureKind.SCIM,
    "10mwt": MeasureKind.TEN_METRE_WALK,
    "ten_metre_walk": MeasureKind.TEN_METRE_WALK,
    "6mwt": MeasureKind.SIX_MINUTE_WALK,
    "six_minute_walk": MeasureKind.SIX_MINUTE_WALK,
    "custom": MeasureKind.CUSTOM,
}
"""Names a kind may be given by (the field ``kind``)."""

SHORT_NAMES: Mapping[MeasureKind, str] = {
    MeasureKind.WISCI: "WISCI",
    MeasureKind.SCIM: "SCIM",
    MeasureKind.TEN_METRE_WALK: "10MWT",
    MeasureKind.SIX_MINUTE_WALK: "6MWT",
    MeasureKind.CUSTOM: "custom",
}

UNITS: Mapping[MeasureKind, str] = {
    MeasureKind.WISCI: "level",
    MeasureKind.SCIM: "points",
    MeasureKind.TEN_METRE_WALK: "s",
    MeasureKind.SIX_MINUTE_WALK: "m",
}


# --------------------------------------------------------------------------- inputs


class WisciInput(InputModel):
    value: Annotated[int, Field(ge=0, le=20, description="WISCI II level")]


class ScimInput(InputModel):
    items: dict[str, Any]


class TenMetreWalkInput(InputModel):
    seconds: Annotated[float, Field(gt=0, le=600, allow_inf_nan=False)]
    aid: Annotated[str | None, Field(max_length=100)] = None


class SixMinuteWalkInput(InputModel):
    metres: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]


class CustomInput(InputModel):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    value: Annotated[float, Field(allow_inf_nan=False)]
    unit: Annotated[str | None, Field(max_length=20)] = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if name.lower() in KIND_NAMES:
            raise ValueError(f"is a built-in kind: record it as kind {name.lower()}")
        return name


INPUTS: dict[MeasureKind, type[InputModel]] = {
    MeasureKind.WISCI: WisciInput,
    MeasureKind.SCIM: ScimInput,
    MeasureKind.TEN_METRE_WALK: TenMetreWalkInput,
    MeasureKind.SIX_MINUTE_WALK: SixMinuteWalkInput,
    MeasureKind.CUSTOM: CustomInput,
}


def kind_of(kind: str | MeasureKind, record: str = "measure") -> MeasureKind:
    if isinstance(kind, MeasureKind):
        return kind
    found = KIND_NAMES.get(kind.strip().lower())
    if found is None:
        names = ", ".join(n for n in KIND_NAMES if not n.startswith(("ten_", "six_")))
        raise invalid(record, "kind", kind, f"is not a kind of measure ({names})")
    return found


def columns_of(kind: MeasureKind, value: InputModel, record: str) -> dict[str, Any]:
    """The measure's columns from its validated input."""
    if isinstance(value, WisciInput):
        return {"value": float(value.value), "unit": UNITS[kind]}
    if isinstance(value, ScimInput):
        scim = scim_scores(value.items, record)
        return {
            "value": float(scim.total),
            "unit": UNITS[kind],
            "scim_items": dict(scim.items),
            "scim_self_care": scim.self_care,
            "scim_respiration_sphincter": scim.respiration_sphincter,
            "scim_mobility": scim.mobility,
            "scim_total": scim.total,
        }
    if isinstance(value, TenMetreWalkInput):
        return {"value": value.seconds, "unit": UNITS[kind], "aid": value.aid or None}
    if isinstance(value, SixMinuteWalkInput):
        return {"value": value.metres, "unit": UNITS[kind]}
    assert isinstance(value, CustomInput)
    return {"name": value.name, "value": value.value, "unit": value.unit or None}
