"""The code lists the datasets draw coded values from: CDISC terms where CDISC has them
(``NY``, ``SEX``, ``AGEU``, ``OUT``, ``ROUTE``, ``ARMNRS``), regencord's sponsor-defined
lists elsewhere (test codes, relatedness, ISNCSCI anal function). Each maps a stored value
of regencord to the submitted term where the two differ."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from regencord.interop.sdtm.codes import FT_CODES, ISNCSCI_CODES, SCIM_CODES, TestCode


@dataclass(frozen=True)
class CodeList:
    id: str
    name: str
    source: str
    """``CDISC`` (a subset of the CDISC controlled terminology list of that name) or
    ``regencord`` (sponsor-defined)."""
    terms: tuple[tuple[str, str], ...]
    """(submitted value, decode)."""

    @property
    def values(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.terms)


def _tests(id: str, name: str, codes: tuple[TestCode, ...]) -> tuple[CodeList, CodeList]:
    return (
        CodeList(
            f"{id}CD", f"{name} test codes", "regencord", tuple((t.code, t.label) for t in codes)
        ),
        CodeList(id, f"{name} test names", "regencord", tuple((t.label, t.label) for t in codes)),
    )


SEX: Mapping[str, str] = {"female": "F", "male": "M", "unknown": "U", "other": "UNDIFFERENTIATED"}
"""regencord's sex → CDISC SEX (``other`` has no closer CDISC term)."""
RELATEDNESS: Mapping[str, str] = {
    "unrelated": "NOT RELATED",
    "unlikely": "UNLIKELY RELATED",
    "possible": "POSSIBLY RELATED",
    "probable": "PROBABLY RELATED",
    "definite": "DEFINITELY RELATED",
}
AE_OUTCOME: Mapping[str, str] = {
    "recovered": "RECOVERED/RESOLVED",
    "recovering": "RECOVERING/RESOLVING",
    "not_recovered": "NOT RECOVERED/NOT RESOLVED",
    "recovered_with_sequelae": "RECOVERED/RESOLVED WITH SEQUELAE",
    "fatal": "FATAL",
    "unknown": "UNKNOWN",
}
ARM_CODE, ARM_NAME = "CELLTX", "Cell transplantation"

CODELISTS: tuple[CodeList, ...] = (
    CodeList("NY", "No Yes Response", "CDISC", (("N", "No"), ("Y", "Yes"))),
    CodeList("SEX", "Sex", "CDISC", tuple((v, k) for k, v in SEX.items())),
    CodeList("AGEU", "Age Unit", "CDISC", (("YEARS", "Years"),)),
    CodeList("ROUTE", "Route of Administration", "CDISC", (("INTRASPINAL", "Intraspinal"),)),
    CodeList(
        "ARMNRS",
        "Arm Null Reason",
        "CDISC",
        (
            ("SCREEN FAILURE", "Screen failure"),
            ("NOT ASSIGNED", "Not assigned"),
            ("ASSIGNED, NOT TREATED", "Assigned, not treated"),
        ),
    ),
    CodeList("OUT", "Outcome of Event", "CDISC", tuple((v, k) for k, v in AE_OUTCOME.items())),
    CodeList("ARMCD", "Arm codes", "regencord", ((ARM_CODE, ARM_NAME),)),
    CodeList("ARM", "Arm names", "regencord", ((ARM_NAME, ARM_NAME),)),
    CodeList("REL", "Relatedness", "regencord", tuple((v, k) for k, v in RELATEDNESS.items())),
    CodeList(
        "TOXGR", "CTCAE grade", "regencord", tuple((str(g), f"Grade {g}") for g in range(1, 6))
    ),
    CodeList("ENRTPT", "End relative to reference time point", "CDISC", (("ONGOING", "Ongoing"),)),
    *_tests("RSTEST", "ISNCSCI", ISNCSCI_CODES),
    *_tests("QSTEST", "SCIM III", SCIM_CODES),
    *_tests("FTTEST", "Walking", FT_CODES),
)
BY_ID: Mapping[str, CodeList] = {c.id: c for c in CODELISTS}
