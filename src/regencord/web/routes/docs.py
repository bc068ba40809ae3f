"""``GET /api/v1/docs``: interactive API documentation (Swagger UI) for the OpenAPI
document at ``/api/v1/openapi.json``.

Swagger UI's files (Swagger UI 5, which reads OpenAPI 3.1) come from the
``fastapi-swagger`` package and are served by this server under ``/api/v1/docs/assets/``
(no CDN); the page starts it with a script file of
its own (``static/docs.js``), not an inline script, so the Content-Security-Policy holds.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from regencord.web.routes import API_PREFIX

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"
ASSETS = f"{API_PREFIX}/docs/assets"

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>regencord API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{API_PREFIX}/docs/start.js"></script>
</body>
</html>
"""


@router.get("/docs")
def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/docs/start.js")
def start() -> FileResponse:
    return FileResponse(STATIC / "docs.js", media_type="text/javascript")


def assets() -> StaticFiles:
    """Swagger UI's files, to mount at :data:`ASSETS`."""
    return StaticFiles(directory=str(files("fastapi_swagger") / "resources"))
