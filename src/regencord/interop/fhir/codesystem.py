"""regencord's FHIR CodeSystem: every sponsor-defined code the bundle uses (the SDTM test
codes of :mod:`regencord.interop.sdtm.codes`, plus the codes of the panels, the
procedure, the product and the relatedness scale), under one canonical URL.

The CodeSystem resource ships with the package as ``data/regencord-codesystem.json``
(written by ``python -m regencord.interop.fhir.codesystem``; a test checks it matches
:func:`codesystem`) and is included in every bundle. The canonical URL and the extension
URLs are URNs in regencord's namespace: identifiers, not addresses to fetch.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from regencord.interop.sdtm.codes import ALL_CODES

CANONICAL = "urn:regencord:fhir:CodeSystem:regencord"
VERSION = "1.0.0"
EXTENSION = "urn:regencord:fhir:StructureDefinition:"
"""Prefix of regencord's extension URLs (``…:visit``, ``…:ctcae-grade`` …)."""

ISNCSCI_PANEL = ("ISNCSCI", "ISNCSCI examination (worksheet and classification)")
TRANSPLANT = ("CELLTX", "Intraspinal cell transplantation")
CELL_PRODUCT = ("CELLPROD", "Cell product transplanted (one lot)")
IMMUNOSUPPRESSION = ("IMMSUPP", "Immunosuppression given around the transplant")
WALKING_AID = ("WALKAID", "Walking aid used")
RELATEDNESS = (
    ("unrelated", "Not related"),
    ("unlikely", "Unlikely related"),
    ("possible", "Possibly related"),
    ("probable", "Probably related"),
    ("definite", "Definitely related"),
)
IMPAIRMENT_REASONS = (
    ("plexopathy", "Plexopathy"),
    ("peripheral-neuropathy", "Peripheral neuropathy"),
    ("myoneuronal-disease", "Pre-existing myoneuronal disease (e.g. stroke, MS)"),
    ("other-impairment", "Other non-SCI impairment"),
)
"""Why a tagged cell is impaired; the store's reasons in the same order."""
IMPAIRMENT_CODE = dict(
    zip(
        ("plexopathy", "peripheral neuropathy", "pre-existing myoneuronal disease", "other"),
        (code for code, _ in IMPAIRMENT_REASONS),
        strict=True,
    )
)
_EXTRA = (
    ISNCSCI_PANEL,
    TRANSPLANT,
    CELL_PRODUCT,
    IMMUNOSUPPRESSION,
    WALKING_AID,
    *RELATEDNESS,
    *IMPAIRMENT_REASONS,
)


def concepts() -> list[tuple[str, str]]:
    """(code, display) of every concept, test codes first."""
    return [(t.code, t.label) for t in ALL_CODES] + list(_EXTRA)


def codesystem() -> dict[str, Any]:
    """The CodeSystem resource (FHIR R4)."""
    return {
        "resourceType": "CodeSystem",
        "id": "regencord",
        "url": CANONICAL,
        "version": VERSION,
        "name": "Regencord",
        "title": "regencord sponsor-defined codes",
        "status": "active",
        "experimental": False,
        "publisher": "regencord",
        "description": (
            "Codes for ISNCSCI worksheet values and classification results, SCIM III items "
            "and scores, WISCI II, 10-metre and 6-minute walk tests, and the transplant of a "
            "cell product, relatedness and non-SCI impairment reasons, for which no LOINC or "
            "CDISC codes exist. The same codes are the "
            "SDTM-style test codes of regencord's exports."
        ),
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts()),
        "concept": [{"code": code, "display": display} for code, display in concepts()],
    }


SHIPPED = "regencord-codesystem.json"


@cache
def shipped_codesystem() -> dict[str, Any]:
    """The CodeSystem as shipped with the package."""
    text = resources.files("regencord.interop.fhir").joinpath("data", SHIPPED).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def codesystem_json() -> str:
    return json.dumps(codesystem(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped file
    target = Path(__file__).with_name("data") / SHIPPED
    target.write_text(codesystem_json(), encoding="utf-8")
    print(f"wrote {target}")
