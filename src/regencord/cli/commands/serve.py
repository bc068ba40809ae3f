"""``regencord serve``: run the server (:mod:`regencord.web`) under Uvicorn.

The options become ``REGENCORD_*`` variables of the worker processes, which build the
application with :func:`regencord.web.app.from_environment`; the database is checked
(reachable, at the current schema) before any worker starts.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from regencord.cli.options import DbOption, open_db, reported
from regencord.web.settings import Settings, secret_key


def serve(
    db: DbOption = None,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            help="Address to listen on (default $REGENCORD_HOST, else 127.0.0.1). Put the "
            "server behind a reverse proxy with HTTPS to reach it from other machines.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            help="Port to listen on (default $REGENCORD_PORT, else 8000).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Worker processes (default $REGENCORD_WORKERS, else 1).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the server: the REST API under /api/v1 (docs at /api/v1/docs).

    Uses the same database as the other commands (create it with regencord init). A
    secret key is read from $REGENCORD_SECRET_KEY, else from $REGENCORD_SECRET_KEY_FILE
    (default ~/.config/regencord/secret-key), created on the first start.
    """
    import uvicorn

    with reported():
        settings = Settings.from_environment(database_url=db, host=host, port=port, workers=workers)
        secret_key(settings)  # created once here, before the workers race for it
    open_db(settings.database_url, create=False).dispose()
    os.environ.update(settings.environment())
    uvicorn.run(
        "regencord.web.app:from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=True,
        server_header=False,
        log_level="info",
    )
