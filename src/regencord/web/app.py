"""The application factory: :func:`create_app` builds the FastAPI application from
:class:`~regencord.web.settings.Settings`; :func:`from_environment` is what the Uvicorn
workers of ``regencord serve`` call (settings from ``REGENCORD_*`` variables).

Layers, outermost first: security headers, the request body limit, the routes (each
asks :mod:`regencord.web.auth` who is calling and the services what they may do), and
the error handlers that give every error one body (:mod:`regencord.web.errors`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from regencord import __version__
from regencord.services.database import Database, open_database
from regencord.web import errors
from regencord.web.middleware import BodyLimit, SecurityHeaders
from regencord.web.routes import API_PREFIX, classify, docs, health, trials
from regencord.web.settings import Settings, secret_key

DESCRIPTION = (
    "The regencord REST API. Authenticate with `Authorization: Bearer TOKEN` "
    "(`regencord token create USERNAME`). Errors have one body: "
    '`{"error": {"code", "message", "problems": [{"record", "field", "value", "message"}]}}`.'
)


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The application; ``db`` (else the settings' database, checked) is disposed of when
    the application shuts down."""
    database = db if db is not None else open_database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(
        title="regencord",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.secret_key = secret_key(settings)
    errors.install(app)
    for module in (health, classify, trials, docs):
        app.include_router(module.router, prefix=API_PREFIX)
    app.mount(docs.ASSETS, docs.assets(), name="docs-assets")
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # added last: outermost, sees every response
    return app


def from_environment() -> FastAPI:
    """The application with settings from ``REGENCORD_*`` variables (Uvicorn's factory)."""
    return create_app(Settings.from_environment())
