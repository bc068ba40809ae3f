"""The server: a FastAPI application (:func:`regencord.web.app.create_app`) over the
services, run by ``regencord serve``. The REST API lives under ``/api/v1``."""
