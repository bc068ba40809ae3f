"""Who is asking: the bearer token of a request, as an :class:`Actor`, and the action
each route requires (:func:`allowed`).

A missing, malformed, unknown, expired or revoked token, or one of a disabled account, is
401; an action the role does not allow is 403 (:mod:`regencord.services.access`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from regencord.services.access import Action, Actor, require
from regencord.services.database import Database
from regencord.services.errors import NotAuthenticated
from regencord.services.signin import authenticate_token

bearer = HTTPBearer(auto_error=False, description="An API token: `regencord token create`.")


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def current_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None:
        raise NotAuthenticated("missing credentials: send 'Authorization: Bearer TOKEN'")
    if credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("unsupported credentials: send 'Authorization: Bearer TOKEN'")
    return authenticate_token(database(request), credentials.credentials)


def allowed(action: Action) -> Callable[..., Actor]:
    """A dependency: the signed-in actor, if their role allows ``action``."""

    def dependency(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        require(actor, action)
        return actor

    dependency.__name__ = f"allowed_{action.name.lower()}"
    return dependency
