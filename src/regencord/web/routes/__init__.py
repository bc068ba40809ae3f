"""The API's routes, one module per resource; every route is under ``/api/v1``."""

API_PREFIX = "/api/v1"
