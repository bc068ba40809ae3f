"""``GET /api/v1/health``: is the server up, which version, which kind of database.

No authentication; never the database URL (it may hold a password).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from regencord import __version__
from regencord.services.database import Database
from regencord.web.auth import database

router = APIRouter(tags=["server"])


class Health(BaseModel):
    status: str
    """``ok``, or ``unavailable`` (503) when the database cannot be reached."""
    version: str
    database: str
    """``sqlite`` or ``postgresql``."""


@router.get("/health", summary="Server health", response_model=Health)
def health(db: Annotated[Database, Depends(database)]) -> JSONResponse:
    kind = db.engine.dialect.name
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError:
        body = Health(status="unavailable", version=__version__, database=kind)
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(Health(status="ok", version=__version__, database=kind).model_dump())
