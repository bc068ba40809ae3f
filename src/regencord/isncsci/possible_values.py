"""Results that NT values may leave open, and that non-SCI tags may qualify.

A result is the set of every value it could take given the NT cells (one value when it is
determined), each value flagged when it depends on a value tagged as impairment not due to
the SCI (printed with a trailing ``*``). Praxis notation: ``"C5"``, ``"C5,C6*"``, ``"A,B"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PossibleValues(Generic[T]):
    """The possible values of one result; ``tagged`` holds those that carry a ``*``."""

    values: frozenset[T]
    tagged: frozenset[T]

    @property
    def determined(self) -> bool:
        """True when only one value is possible."""
        return len(self.values) == 1

    @property
    def value(self) -> T:
        """The single possible value; ``ValueError`` when the result is ambiguous."""
        if len(self.values) != 1:
            raise ValueError(f"result is not determined: {len(self.values)} possibilities")
        return next(iter(self.values))

    def is_tagged(self, value: T) -> bool:
        return value in self.tagged

    def __contains__(self, value: object) -> bool:
        return value in self.values

    def __iter__(self) -> Iterator[T]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def notation(self, sort_key: Callable[[T], object], name: Callable[[T], str]) -> str:
        """Comma-separated, in display order, each tagged value followed by ``*``."""
        ordered = sorted(self.values, key=sort_key)  # type: ignore[arg-type]
        return ",".join(name(v) + ("*" if v in self.tagged else "") for v in ordered)


class PossibleValuesBuilder(Generic[T]):
    """Collects (value, tagged) possibilities. A value reached both with and without a
    tagged value is reported untagged: it holds whatever the tagged cell's real value is."""

    def __init__(self) -> None:
        self._flags: dict[T, bool] = {}
        self.reasons: dict[T, str] = {}
        """The first reason given for each value, for explanations."""

    def add(self, value: T, tagged: bool = False, why: str = "") -> None:
        self._flags[value] = self._flags.get(value, True) and tagged
        if why:
            self.reasons.setdefault(value, why)

    def extend(self, values: Iterable[tuple[T, bool, str]]) -> None:
        for value, tagged, why in values:
            self.add(value, tagged, why)

    def __bool__(self) -> bool:
        return bool(self._flags)

    def build(self) -> PossibleValues[T]:
        return PossibleValues(
            values=frozenset(self._flags),
            tagged=frozenset(v for v, t in self._flags.items() if t),
        )


@dataclass(frozen=True)
class Explained(Generic[T]):
    """A step's result with, for each possible value, why it is possible."""

    outcome: PossibleValues[T]
    reasons: dict[T, str]

    @classmethod
    def of(cls, builder: PossibleValuesBuilder[T]) -> Explained[T]:
        return cls(builder.build(), dict(builder.reasons))
