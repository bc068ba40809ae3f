"""What a use case raises when it cannot do what was asked. Nothing is written then."""

from __future__ import annotations

from regencord.problems import FieldProblem

__all__ = ["FieldProblem", "InvalidInput", "ServiceError", "invalid"]


class ServiceError(Exception):
    """Base of the errors a use case reports to its caller (CLI: exit status 2).

    ``field``: the input field the caller should give or change to get past the error
    (``reason`` for :class:`ReasonNeeded`), or ``None``. Messages name fields, never a
    front end's options: the CLI names the flag of ``field`` when it prints."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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
    """A saved value may only be changed with a reason (the field ``reason``)."""

    def __init__(self, message: str, *, field: str = "reason") -> None:
        super().__init__(message, field=field)


class NotAuthenticated(ServiceError):
    """No valid credentials: unknown user, wrong password, bad, expired or revoked token,
    disabled account, or too many failed sign-ins (API: 401)."""


class PermissionDenied(ServiceError):
    """The account's role does not allow the action (API: 403). A record of a site the
    account does not belong to is :class:`NotFound` instead, so its existence is not
    revealed."""
