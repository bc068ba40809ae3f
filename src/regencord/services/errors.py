"""What a use case raises when it cannot do what was asked. Nothing is written then."""

from __future__ import annotations

from dataclasses import dataclass


class ServiceError(Exception):
    """Base of the errors a use case reports to its caller (CLI: exit status 2)."""


@dataclass(frozen=True)
class FieldProblem:
    """One bad value: which record, which field, what value, why."""

    record: str
    field: str
    value: object
    message: str

    def __str__(self) -> str:
        from regencord.services.validation import shown  # validation imports this module

        if not self.field:  # a problem of the whole record, e.g. a file that cannot be read
            return f"{self.record}: {self.message}"
        if self.value is None:
            return f"{self.record}: {self.field}: {self.message}"
        return f"{self.record}: {self.field}: {shown(self.value)} {self.message}"


class InvalidInput(ServiceError):
    """Input that breaks a rule of the trial; carries every problem found."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def invalid(record: str, field: str, value: object, message: str) -> InvalidInput:
    return InvalidInput([FieldProblem(record, field, value, message)])


def invalid_file(record: str, message: str) -> InvalidInput:
    """A file that cannot be used as a whole (``exam file x.json: is not valid JSON …``)."""
    return InvalidInput([FieldProblem(record, "", None, message)])


class NotFound(ServiceError):
    """A referenced record does not exist (or was deleted)."""


class Conflict(ServiceError):
    """A save against a stale version: someone changed the record meanwhile."""


class Locked(ServiceError):
    """The record is locked; unlock it (with a reason) to change it."""


class ReasonNeeded(ServiceError):
    """A saved value may only be changed with a reason."""


class NotAuthenticated(ServiceError):
    """No valid credentials: unknown user, wrong password, bad, expired or revoked token,
    disabled account, or too many failed sign-ins (API: 401)."""


class PermissionDenied(ServiceError):
    """The account's role does not allow the action (API: 403). A record of a site the
    account does not belong to is :class:`NotFound` instead, so its existence is not
    revealed."""
