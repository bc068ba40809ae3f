"""``POST /api/v1/classify``: one Praxis-shaped exam, or an array of them, classified.

The answer is what ``regencord classify --format json`` prints for the same exams (the
vectorized engine's JSON writer, byte for byte: always an array); ``?explain=true``
classifies with the scalar engine instead and adds each result's ``explanation`` (the
lines ``--explain`` prints). Every problem of every exam is reported at once (422), each
with the exam's number (from 1), the field path, the value sent and the message.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from regencord.isncsci import Exam, InvalidExam, Problem
from regencord.isncsci.batch import ExamBatch, classify_batch
from regencord.isncsci.batch.csv_io import ResultWriter
from regencord.isncsci.io import FileFormat, classify_all
from regencord.services.access import Action, Actor
from regencord.services.errors import FieldProblem, InvalidInput, invalid
from regencord.web.auth import allowed
from regencord.web.errors import ExamProblem

router = APIRouter(tags=["classification"])

BODY = "request body"

REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"type": "object", "description": "One exam in the Praxis shape."},
                    {"type": "array", "items": {"type": "object"}},
                ]
            }
        }
    },
}
RESULTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One result per exam, in order (the Praxis result shape).",
        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
    }
}


@router.post(
    "/classify",
    summary="Classify ISNCSCI exams",
    openapi_extra={"requestBody": REQUEST_BODY},
    responses=RESULTS,
    response_class=Response,
)
async def classify(
    request: Request,
    _actor: Annotated[Actor, Depends(allowed(Action.CLASSIFY))],
    explain: Annotated[bool, Query(description="Add each result's explanation.")] = False,
) -> Response:
    items = parse_exams(await request.body())
    text = await run_in_threadpool(classify_json, items, explain)
    return Response(content=text, media_type="application/json")


def parse_exams(body: bytes) -> list[object]:
    """The exams of a JSON body (an object is one exam), unvalidated."""
    try:
        value: object = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise invalid(BODY, "", None, "is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        message = f"is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}"
        raise invalid(BODY, "", None, message) from None
    except RecursionError:
        raise invalid(BODY, "", None, "is not valid JSON: nested too deeply") from None
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return value
    raise invalid(BODY, "", None, "must be a JSON object (one exam) or an array of exams")


def validated(items: Sequence[object]) -> list[Exam]:
    """Every exam validated, or one :class:`InvalidInput` with every problem."""
    exams: list[Exam] = []
    problems: list[FieldProblem] = []
    for index, item in enumerate(items, start=1):
        try:
            exams.append(Exam.from_praxis(item, index=index))
        except InvalidExam as error:
            problems.extend(_problem(p, index, item) for p in error.problems)
    if problems:
        raise InvalidInput(problems)
    return exams


def _problem(problem: Problem, index: int, item: object) -> ExamProblem:
    value = _value_at(item, problem.field)
    return ExamProblem(problem.exam, problem.field, value, problem.message, exam=index)


def _value_at(item: object, path: str) -> object:
    """The value sent at a dotted field path (``right.motor.C5``), ``None`` if absent."""
    value = item
    for key in path.split(".") if path else ():
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value if not isinstance(value, Mapping | list) else None


def classify_json(items: Sequence[object], explain: bool) -> str:
    """The JSON text of the results (see the module's docstring)."""
    exams = validated(items)
    if explain:
        results = [r.to_praxis() | {"explanation": r.explain()} for r in classify_all(exams)]
        return json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    stream = io.StringIO()
    writer = ResultWriter(stream, FileFormat.JSON)
    if exams:
        writer.write(classify_batch(ExamBatch.from_exams(exams)))
    writer.close()
    return stream.getvalue()
