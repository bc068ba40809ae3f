"""The shape of an SDTM-style dataset and the rules every one obeys.

* Names of datasets and variables at most 8 characters, labels at most 40 (SAS transport
  version 5); character values at most 200 bytes (longer text goes to the supplemental
  qualifiers, split into 200-byte pieces ``QNAM``, ``QNAM1``, ``QNAM2`` …).
* Dates ISO 8601 (``YYYY-MM-DD``). Text loses trailing white space (SAS pads character
  values with blanks, so it could not read back); an empty text is a missing value.
* Study days (``--DY``): day 1 is the reference start date ``RFSTDTC`` (the transplant
  date); the day before it is day -1; there is no day 0. Without a reference start date
  (a participant never transplanted) study days are empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Literal

Value = str | int | float | None
CHAR: Literal["Char"] = "Char"
NUM: Literal["Num"] = "Num"
MAX_NAME, MAX_LABEL, MAX_CHAR = 8, 40, 200


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    type: Literal["Char", "Num"]
    core: Literal["Req", "Exp", "Perm"] = "Exp"
    origin: str = "Collected"
    """``Collected``, ``Derived``, ``Assigned`` or ``Protocol`` (define.xml origins)."""
    codelist: str | None = None
    """Id of the code list the values are drawn from (:mod:`.codelists`)."""
    comment: str | None = None

    def __post_init__(self) -> None:
        if len(self.name) > MAX_NAME or not self.name.isalnum() or self.name != self.name.upper():
            raise ValueError(f"variable name {self.name!r}: at most {MAX_NAME} characters")
        if len(self.label) > MAX_LABEL:
            raise ValueError(f"variable {self.name}: label over {MAX_LABEL} characters")


@dataclass(frozen=True)
class Dataset:
    """One domain: its metadata and its rows (values in variable order)."""

    name: str
    label: str
    structure: str
    keys: tuple[str, ...]
    variables: tuple[Variable, ...]
    rows: tuple[tuple[Value, ...], ...]
    lengths: Mapping[str, int] = field(default_factory=dict, compare=False)
    """Each variable's length (see :meth:`length`), computed when the dataset is made."""

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def column(self, name: str) -> list[Value]:
        i = self.names.index(name)
        return [row[i] for row in self.rows]

    def length(self, variable: Variable) -> int:
        """A character variable's length: its longest value in bytes (at least 1); 8 for
        numbers."""
        if variable.name in self.lengths:
            return self.lengths[variable.name]
        return _length(variable, self.column(variable.name))


def _length(variable: Variable, values: Sequence[Value]) -> int:
    if variable.type == NUM:
        return 8
    return max((_bytes(str(v)) for v in set(values) if v is not None), default=1)


def _bytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _checked_column(dataset: str, v: Variable, values: list[Value]) -> list[Value]:
    """The column's values with text normalised (trailing blanks dropped, empty → missing),
    after checking types and the 200-byte limit. Each distinct value is checked once."""
    distinct = set(values)
    distinct.discard(None)
    if v.type == NUM:
        for x in distinct:
            if type(x) not in (int, float):
                raise ValueError(f"{dataset}.{v.name}: {x!r} is not a number")
        return values
    normal: dict[Value, Value] = {}
    for x in distinct:
        if type(x) is not str:
            raise ValueError(f"{dataset}.{v.name}: {x!r} is not text")
        y = x.rstrip() or None
        if y is not None and len(y) * 4 > MAX_CHAR and _bytes(y) > MAX_CHAR:
            raise ValueError(f"{dataset}.{v.name}: value over {MAX_CHAR} bytes")
        normal[x] = y
    if all(x is y for x, y in normal.items()):
        return values
    return [None if x is None else normal[x] for x in values]


def make_dataset(
    name: str,
    label: str,
    structure: str,
    keys: Sequence[str],
    variables: Sequence[Variable],
    rows: Iterable[Mapping[str, Value]],
) -> Dataset:
    """A dataset from rows given as mappings (missing variables are empty), checked against
    the rules above; a breach is a bug in a builder, so it raises ``ValueError``."""
    if len(name) > MAX_NAME or len(label) > MAX_LABEL:
        raise ValueError(f"dataset {name}: name or label too long")
    names = [v.name for v in variables]
    if len(set(names)) != len(names) or not set(keys) <= set(names):
        raise ValueError(f"dataset {name}: duplicate variables or unknown keys")
    given = list(rows)
    known = set(names)
    for row in given:
        if not row.keys() <= known:
            raise ValueError(f"dataset {name}: unknown variables {sorted(set(row) - known)}")
    width = len(names)
    get_all = itemgetter(*names) if width > 1 else lambda row: (row[names[0]],)
    tuples = [get_all(r) if len(r) == width else tuple(r.get(k) for k in names) for r in given]
    raw = [list(c) for c in zip(*tuples, strict=True)] if tuples else [[] for _ in names]
    columns = [_checked_column(name, v, c) for v, c in zip(variables, raw, strict=True)]
    lengths = {v.name: _length(v, c) for v, c in zip(variables, columns, strict=True)}
    return Dataset(
        name,
        label,
        structure,
        tuple(keys),
        tuple(variables),
        tuple(zip(*columns, strict=True)),
        lengths,
    )


def iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def study_day(d: date | None, reference: date | None) -> int | None:
    """SDTM study day of ``d``: day 1 is ``reference``, no day 0."""
    if d is None or reference is None:
        return None
    delta = (d - reference).days
    return delta + 1 if delta >= 0 else delta


def _prefix(text: str, size: int) -> int:
    """How many characters of ``text`` fit in ``size`` UTF-8 bytes."""
    used = 0
    for i, ch in enumerate(text):
        used += len(ch.encode("utf-8"))
        if used > size:
            return i
    return len(text)


def split_text(text: str, size: int = MAX_CHAR) -> list[str]:
    """``text`` in pieces of at most ``size`` UTF-8 bytes, never splitting a character
    and, where it can, never ending a piece in white space (SAS drops trailing blanks, so
    such a piece would not read back whole)."""
    pieces: list[str] = []
    rest = text
    while len(rest.encode("utf-8")) > size:
        cut = _prefix(rest, size)
        keep = len(rest[:cut].rstrip())
        cut = keep or cut
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


# Identifier variables every subject-level dataset starts with.
STUDYID = Variable("STUDYID", "Study Identifier", CHAR, "Req", "Assigned")
DOMAIN = Variable("DOMAIN", "Domain Abbreviation", CHAR, "Req", "Assigned")
USUBJID = Variable("USUBJID", "Unique Subject Identifier", CHAR, "Req", "Derived")
VISITNUM = Variable("VISITNUM", "Visit Number", NUM, "Exp", "Protocol")
VISIT = Variable("VISIT", "Visit Name", CHAR, "Perm", "Protocol")


def seq(domain: str) -> Variable:
    return Variable(f"{domain}SEQ", "Sequence Number", NUM, "Req", "Derived")


def day(name: str, label: str) -> Variable:
    return Variable(name, label, NUM, "Perm", "Derived", comment="study day: day 1 = RFSTDTC")


# --------------------------------------------------------------------------- SUPP--

SUPP_VARIABLES = (
    STUDYID,
    Variable("RDOMAIN", "Related Domain Abbreviation", CHAR, "Req", "Assigned"),
    USUBJID,
    Variable("IDVAR", "Identifying Variable", CHAR, "Exp", "Assigned"),
    Variable("IDVARVAL", "Identifying Variable Value", CHAR, "Exp", "Assigned"),
    Variable("QNAM", "Qualifier Variable Name", CHAR, "Req", "Assigned"),
    Variable("QLABEL", "Qualifier Variable Label", CHAR, "Req", "Assigned"),
    Variable("QVAL", "Data Value", CHAR, "Req", "Collected"),
    Variable("QORIG", "Origin", CHAR, "Req", "Assigned"),
)


@dataclass(frozen=True)
class Qualifier:
    """A supplemental qualifier (one ``QNAM``); ``name`` at most 7 characters so a long
    value's pieces can be numbered."""

    name: str
    label: str
    origin: str = "CRF"

    def __post_init__(self) -> None:
        if len(self.name) > MAX_NAME - 1 or len(self.label) > MAX_LABEL:
            raise ValueError(f"qualifier {self.name}: name or label too long")


def supp_rows(
    study: str,
    domain: str,
    usubjid: str,
    idvar: str | None,
    idvarval: str | None,
    qualifier: Qualifier,
    value: str | None,
) -> list[dict[str, Value]]:
    """The SUPP rows of one qualifier value: none when empty, several when over 200 bytes."""
    value = None if value is None else value.rstrip()
    if not value:
        return []
    rows: list[dict[str, Value]] = []
    for i, piece in enumerate(split_text(value)):
        qnam = qualifier.name if i == 0 else f"{qualifier.name}{i}"
        rows.append(
            {
                "STUDYID": study,
                "RDOMAIN": domain,
                "USUBJID": usubjid,
                "IDVAR": idvar,
                "IDVARVAL": idvarval,
                "QNAM": qnam,
                "QLABEL": qualifier.label,
                "QVAL": piece,
                "QORIG": qualifier.origin,
            }
        )
    return rows


def supp_dataset(domain: str, rows: Iterable[Mapping[str, Value]]) -> Dataset:
    return make_dataset(
        f"SUPP{domain}",
        f"Supplemental Qualifiers for {domain}",
        "One record per IDVAR, IDVARVAL, and QNAM value per subject",
        ("STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"),
        SUPP_VARIABLES,
        rows,
    )
