"""The role × site × route matrix, generated from the application's route table: every
route (method and path) must have an entry here, so a new route without one fails.

Each entry says how to call the route and what each caller gets: the six roles (with the
investigator at site S01 and the assessor at S02 only) and an anonymous caller. Lists also
say which items each caller sees, so that site scoping is checked, not just the status;
a trial none of a scoped caller's sites belong to answers 404, exactly as a trial that
does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests.exam_files import normal_exam
from tests.services.followup_data import TRIAL
from tests.web.conftest import OTHER_TRIAL, Server

ROLES = ("admin", "investigator", "assessor", "monitor", "statistician", "safety")
CALLERS: tuple[str | None, ...] = (*ROLES, None)
"""``None``: no credentials."""

Statuses = dict[str | None, int]


def statuses(everyone: int, **by_role: int) -> Statuses:
    """``everyone`` for each role, except as given; 401 without credentials unless given
    as ``anonymous``."""
    out: Statuses = dict.fromkeys(ROLES, everyone)
    anonymous = by_role.pop("anonymous", 401)
    out.update(by_role)
    out[None] = anonymous
    return out


EVERYONE_200 = statuses(200, anonymous=200)
SIGNED_IN_200 = statuses(200)


@dataclass(frozen=True)
class Call:
    """One request and what each caller gets: a status, and for 200 answers of lists the
    items' keys (``seen``)."""

    method: str
    path: str
    status: Statuses
    json: Any = None
    seen: dict[str | None, list[str]] = field(default_factory=dict)
    key: Callable[[dict[str, Any]], str] = lambda item: str(item)


def _participants(trial: str) -> str:
    return f"/api/v1/trials/{trial}/participants"


ALL_PARTICIPANTS = ["P01", "P02", "P03"]

MATRIX: dict[tuple[str, str], list[Call]] = {
    ("GET", "/api/v1/health"): [Call("GET", "/api/v1/health", EVERYONE_200)],
    ("GET", "/api/v1/openapi.json"): [Call("GET", "/api/v1/openapi.json", EVERYONE_200)],
    ("GET", "/api/v1/docs"): [Call("GET", "/api/v1/docs", EVERYONE_200)],
    ("GET", "/api/v1/docs/start.js"): [Call("GET", "/api/v1/docs/start.js", EVERYONE_200)],
    ("GET", "/api/v1/docs/assets"): [
        Call("GET", "/api/v1/docs/assets/swagger-ui.css", EVERYONE_200)
    ],
    ("POST", "/api/v1/classify"): [
        Call("POST", "/api/v1/classify", SIGNED_IN_200, json=normal_exam())
    ],
    ("GET", "/api/v1/trials"): [
        Call(
            "GET",
            "/api/v1/trials",
            SIGNED_IN_200,
            seen={
                "admin": [f"{TRIAL}: S01 S02", f"{OTHER_TRIAL}: S09"],
                "monitor": [f"{TRIAL}: S01 S02", f"{OTHER_TRIAL}: S09"],
                "statistician": [f"{TRIAL}: S01 S02", f"{OTHER_TRIAL}: S09"],
                "safety": [f"{TRIAL}: S01 S02", f"{OTHER_TRIAL}: S09"],
                "investigator": [f"{TRIAL}: S01"],
                "assessor": [f"{TRIAL}: S02"],
            },
            key=lambda t: f"{t['code']}: " + " ".join(s["code"] for s in t["sites"]),
        )
    ],
    ("GET", "/api/v1/trials/{trial}/participants"): [
        Call(
            "GET",
            _participants(TRIAL),
            statuses(200, safety=403),
            seen={
                "admin": ALL_PARTICIPANTS,
                "monitor": ALL_PARTICIPANTS,
                "statistician": ALL_PARTICIPANTS,
                "investigator": ["P01", "P03"],
                "assessor": ["P02"],
            },
            key=lambda p: str(p["study_id"]),
        ),
        Call(  # a trial at none of the scoped callers' sites: as if it did not exist
            "GET",
            _participants(OTHER_TRIAL),
            statuses(200, investigator=404, assessor=404, safety=403),
            seen={role: [] for role in ("admin", "monitor", "statistician")},
            key=lambda p: str(p["study_id"]),
        ),
        Call(
            "GET",
            _participants("NO-SUCH-TRIAL"),
            statuses(404, safety=403),
        ),
    ],
}


def routes_of(server: Server) -> set[tuple[str, str]]:
    """(method, path) of every route of the application; a mount as ``GET`` of its path."""
    return _walk(server.client.app.routes, "")  # type: ignore[attr-defined]


def _walk(routes: list[Any], prefix: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in routes:
        if isinstance(route, APIRoute | Route):
            path = prefix + route.path
            found |= {(method, path) for method in route.methods or () if method != "HEAD"}
        elif isinstance(route, Mount):
            found.add(("GET", prefix + route.path))
        elif hasattr(route, "original_router"):  # FastAPI ≥ 0.16x keeps included routers
            inner = prefix + route.include_context.prefix
            found |= _walk(route.original_router.routes, inner)
        else:
            found.add(("?", repr(route)))
    return found


def test_every_route_has_an_entry_in_the_matrix(server: Server) -> None:
    routes = routes_of(server)
    assert routes - set(MATRIX) == set(), "routes without an entry in the access matrix"
    assert set(MATRIX) - routes == set(), "entries of routes that no longer exist"


def test_the_matrix(server: Server) -> None:
    checked = 0
    failures: list[str] = []
    for calls in MATRIX.values():
        for call in calls:
            for caller in CALLERS:
                response = server.client.request(
                    call.method, call.path, json=call.json, headers=server.headers(caller)
                )
                who = caller or "anonymous"
                expected = call.status[caller]
                checked += 1
                if response.status_code != expected:
                    failures.append(
                        f"{call.method} {call.path} as {who}: {response.status_code}, "
                        f"expected {expected}: {response.text[:200]}"
                    )
                    continue
                if expected == 404:
                    # another site's trial reads exactly like a trial that does not exist
                    trial = call.path.split("/")[4]
                    assert response.json()["error"]["message"] == (
                        f"trial {trial!r} does not exist"
                    )
                if expected == 200 and caller in call.seen:
                    items = [call.key(item) for item in response.json()["items"]]
                    if items != call.seen[caller]:
                        failures.append(f"{call.path} as {who}: sees {items}")
    assert not failures, "\n".join(failures)
    assert checked == sum(len(calls) for calls in MATRIX.values()) * len(CALLERS)
