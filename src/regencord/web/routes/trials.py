"""``GET /api/v1/trials`` and ``GET /api/v1/trials/{trial}/participants``: lists, a page
at a time (``limit``, ``cursor``; ``{"items": [...], "next": cursor or null}``), scoped
to the caller's sites by the services (:mod:`regencord.services.browse`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from regencord.services import browse
from regencord.services.access import Actor
from regencord.services.database import Database
from regencord.web.auth import current_actor, database

router = APIRouter(tags=["trials"])

Limit = Annotated[int, Query(ge=1, le=browse.MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[
    str | None, Query(description="The `next` of the previous page; none for the first.")
]


class Site(BaseModel):
    code: str
    name: str


class Trial(BaseModel):
    code: str
    title: str
    phase: str | None
    registry_id: str | None
    sponsor: str | None
    synthetic: bool
    sites: list[Site]
    version: int


class Participant(BaseModel):
    study_id: str
    site: str
    status: str
    sex: str
    age_at_injury: int
    injury_date: date
    consent_date: date | None
    version: int


class TrialPage(BaseModel):
    items: list[Trial]
    next: str | None


class ParticipantPage(BaseModel):
    items: list[Participant]
    next: str | None


def _page(page: browse.Page[Any]) -> dict[str, Any]:
    return {"items": [asdict(item) for item in page.items], "next": page.next}


@router.get("/trials", summary="Trials", response_model=TrialPage)
async def trials(
    actor: Annotated[Actor, Depends(current_actor)],
    db: Annotated[Database, Depends(database)],
    limit: Limit = browse.DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    page = await run_in_threadpool(browse.list_trials, db, actor, limit=limit, after=cursor)
    return _page(page)


@router.get(
    "/trials/{trial}/participants",
    summary="Participants of a trial",
    response_model=ParticipantPage,
)
async def participants(
    trial: str,
    actor: Annotated[Actor, Depends(current_actor)],
    db: Annotated[Database, Depends(database)],
    limit: Limit = browse.DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    page = await run_in_threadpool(
        browse.list_participants, db, actor, trial, limit=limit, after=cursor
    )
    return _page(page)
