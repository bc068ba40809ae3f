"""One error body everywhere, never a traceback:

``{"error": {"code": ..., "message": ..., "problems": [{"record", "field", "value", "message"}]}}``

Service errors map to HTTP statuses here (:data:`STATUS`); FastAPI's own errors (a bad
query parameter, an unknown route, a wrong method) get the same body; anything unexpected
is logged on the server and answered with a 500 that says only that.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from regencord.services.errors import (
    Conflict,
    FieldProblem,
    InvalidInput,
    Locked,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ReasonNeeded,
    ServiceError,
)
from regencord.services.unit import DatabaseProblem

log = logging.getLogger("regencord.web")


@dataclass(frozen=True)
class ExamProblem(FieldProblem):
    """A problem of one exam of a request holding several: ``exam`` is its number (from 1)."""

    exam: int = 0


STATUS: tuple[tuple[type[ServiceError], int, str], ...] = (
    (InvalidInput, 422, "invalid_input"),
    (NotAuthenticated, 401, "not_authenticated"),
    (PermissionDenied, 403, "permission_denied"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (Locked, 409, "locked"),
    (ReasonNeeded, 422, "reason_needed"),
    (DatabaseProblem, 503, "database_problem"),
)
"""Service error -> HTTP status and error code (first match wins)."""

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def problem(record: str, field: str, value: object, message: str) -> dict[str, Any]:
    return {"record": record, "field": field, "value": _json_value(value), "message": message}


def _json_value(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)


def error_response(
    status: int,
    code: str,
    message: str,
    problems: Sequence[dict[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "problems": list(problems)}}
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer", **(headers or {})}
    return JSONResponse(body, status_code=status, headers=headers)


def service_error_response(error: ServiceError) -> JSONResponse:
    status, code = 400, "bad_request"
    for kind, kind_status, kind_code in STATUS:
        if isinstance(error, kind):
            status, code = kind_status, kind_code
            break
    if isinstance(error, InvalidInput):
        problems = [
            problem(p.record, p.field, p.value, p.message)
            | ({"exam": p.exam} if isinstance(p, ExamProblem) else {})
            for p in error.problems
        ]
        count = len(problems)
        message = f"{count} problem{'s' if count != 1 else ''} in the request; nothing was saved"
        return error_response(status, code, message, problems)
    return error_response(status, code, str(error))


def install(app: FastAPI) -> None:
    """Install the handlers that give every error the one body."""

    @app.exception_handler(ServiceError)
    async def _service(_request: Request, error: ServiceError) -> JSONResponse:
        return service_error_response(error)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            problem(
                "request",
                ".".join(str(part) for part in item.get("loc", ())),
                item.get("input"),
                str(item.get("msg", "is not valid")),
            )
            for item in error.errors()
        ]
        return error_response(422, "invalid_input", "the request is not valid", problems)

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, error: HTTPException) -> JSONResponse:
        code = HTTP_CODES.get(error.status_code, "error")
        message = str(error.detail) if error.detail else code.replace("_", " ")
        return error_response(error.status_code, code, message, headers=error.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error: nothing was saved")
