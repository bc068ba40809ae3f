"""The 25 compared fields and the normalisation of their Praxis notation.

Field names are the result's Praxis paths: classification fields without the
``classification.`` prefix (``neurologicalLevels.sensoryRight``, ``ASIAImpairmentScale``,
``zoneOfPartialPreservations.motorLeft``), totals with it (``totals.right.motor``,
``totals.lightTouch``).

Normalisation touches notation only, never values:

- a value is a comma-separated list of tokens; whitespace around tokens is dropped;
- a repeated token (same text, tag included) is kept once;
- tokens are sorted: levels in segment order (C1 … S4_5, then INT, NA), then numbers by
  value, then any other text (ND, AIS and completeness letters) alphabetically; a token's
  tag (``*``, ``**``) stays attached to it and only breaks ties (untagged first).

So ``"C6*,C5"`` and ``"C5, C6*"`` compare equal, while ``"C5"`` and ``"C5*"``, or ``"ND"``
and ``"0"``, do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

CLASSIFICATION_FIELDS: tuple[str, ...] = (
    "neurologicalLevels.sensoryRight",
    "neurologicalLevels.sensoryLeft",
    "neurologicalLevels.motorRight",
    "neurologicalLevels.motorLeft",
    "neurologicalLevelOfInjury",
    "injuryComplete",
    "ASIAImpairmentScale",
    "zoneOfPartialPreservations.sensoryRight",
    "zoneOfPartialPreservations.sensoryLeft",
    "zoneOfPartialPreservations.motorRight",
    "zoneOfPartialPreservations.motorLeft",
)
"""The 11 classification fields (the fields whose NT ranges the exactness check proves)."""

_SIDE_TOTALS = ("upperExtremity", "lowerExtremity", "lightTouch", "pinPrick", "motor")
TOTAL_FIELDS: tuple[str, ...] = (
    *(f"totals.{side}.{name}" for side in ("right", "left") for name in _SIDE_TOTALS),
    "totals.upperExtremity",
    "totals.lowerExtremity",
    "totals.lightTouch",
    "totals.pinPrick",
)
"""The 14 totals fields."""

FIELDS: tuple[str, ...] = CLASSIFICATION_FIELDS + TOTAL_FIELDS
"""All 25 compared fields."""

_LEVELS = (
    *(f"C{i}" for i in range(1, 9)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    "S1",
    "S2",
    "S3",
    "S4_5",
    "INT",
    "NA",
)
_LEVEL_ORDER = {name: i for i, name in enumerate(_LEVELS)}

Flat = dict[str, str]
"""One exam's result: field name → normalised value."""


def split_tag(token: str) -> tuple[str, str]:
    """``"C5**"`` → ``("C5", "**")``."""
    base = token.rstrip("*")
    return base, token[len(base) :]


def _token_key(token: str) -> tuple[int, int, str, int]:
    base, tag = split_tag(token)
    if base in _LEVEL_ORDER:
        return (0, _LEVEL_ORDER[base], "", len(tag))
    if base.isdigit():
        return (1, int(base), "", len(tag))
    return (2, 0, base, len(tag))


def normalise(value: Any) -> str:
    """``value`` in canonical notation (see the module docstring)."""
    return _normalise(str(value))


@lru_cache(maxsize=65536)
def _normalise(value: str) -> str:
    tokens = [t.strip() for t in value.split(",")]
    unique = dict.fromkeys(t for t in tokens if t)
    return ",".join(sorted(unique, key=_token_key))


def untagged(value: str) -> frozenset[str]:
    """The values of a field with tags set aside: ``"C5,C6*"`` → ``{"C5", "C6"}``."""
    return frozenset(split_tag(t.strip())[0] for t in value.split(",") if t.strip())


def flatten(result: Mapping[str, Any]) -> Flat:
    """The 25 fields of a Praxis-shaped result (``classification`` and ``totals``),
    normalised. A missing field reads as ``"<missing>"``."""
    flat: Flat = {}
    for field in FIELDS:
        node: Any = result if field.startswith("totals.") else result.get("classification", {})
        for part in field.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        flat[field] = "<missing>" if node is None else normalise(node)
    return flat
