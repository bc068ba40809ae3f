"""The problem vocabulary shared by every layer above the engine: a bad value named by
record, field and value, with why it is bad.

It lives below the store, services and interop so that each of them can report problems
in the same words without importing another (the services re-export it from
:mod:`regencord.services.errors`). The engine has its own,
:class:`regencord.isncsci.errors.Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass

SHOWN_LENGTH = 60
"""How many characters of a value an error message shows."""


def shown(value: object, limit: int = SHOWN_LENGTH) -> str:
    """``value`` as an error message shows it: its ``repr``, cut to ``limit`` characters
    with the full length given, so that a pasted file or a runaway value cannot flood the
    terminal (``'AAAA…' (5000 characters)``)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    length = f" ({len(value)} characters)" if isinstance(value, str | bytes) else ""
    return text[: limit - 1] + "…" + length


@dataclass(frozen=True)
class FieldProblem:
    """One bad value: which record, which field, what value, why."""

    record: str
    field: str
    value: object
    message: str

    def __str__(self) -> str:
        if not self.field:  # a problem of the whole record, e.g. a file that cannot be read
            return f"{self.record}: {self.message}"
        if self.value is None:
            return f"{self.record}: {self.field}: {self.message}"
        return f"{self.record}: {self.field}: {shown(self.value)} {self.message}"
