"""A server over a test database (SQLite, and PostgreSQL when configured): two trials,
three sites, participants, and one account with an API token per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regencord.services import accounts, signin, trials
from regencord.store.db import Database
from regencord.web.app import create_app
from regencord.web.settings import Settings
from tests.accounts_fixtures import cheap_hashing
from tests.services.followup_data import TRIAL, add_participant, setup_trial

__all__ = ["cheap_hashing"]

PASSWORD = "a long enough password"
OTHER_TRIAL = "OTHER-01"
SITES = {"investigator": ["S01"], "assessor": [f"{TRIAL}/S02"]}
"""Site-scoped accounts: the investigator at S01 (of both trials), the assessor at S02."""


@dataclass
class Server:
    client: TestClient
    db: Database
    tokens: dict[str, str]
    """Role name -> a bearer token of an account with that role."""

    def headers(self, role: str | None) -> dict[str, str]:
        return {} if role is None else {"Authorization": f"Bearer {self.tokens[role]}"}


def populate(db: Database) -> dict[str, str]:
    setup_trial(db, participants=("P01",))  # at S01
    trials.add_site(db, user="setup", trial_code=TRIAL, data={"code": "S02", "name": "Two"})
    with db.transaction(user="setup") as session:
        from regencord.services.trials import find_trial

        trial = find_trial(session, TRIAL)
        s02 = next(s for s in trial.sites if s.code == "S02")
        from regencord.store.models import Participant, ParticipantStatus, Sex

        first = session.get(Participant, 1)
        assert first is not None
        session.add(
            Participant(
                trial=trial,
                site=s02,
                study_id="P02",
                age_at_injury=50,
                sex=Sex.MALE,
                injury_date=first.injury_date,
                status=ParticipantStatus.SCREENING,
            )
        )
    add_participant(db, "P03")  # S01 again
    trials.create_trial(db, user="setup", data={"code": OTHER_TRIAL, "title": "Other trial"})
    trials.add_site(db, user="setup", trial_code=OTHER_TRIAL, data={"code": "S09", "name": "Nine"})
    tokens: dict[str, str] = {}
    accounts.add_account(db, user="setup", username="admin", role="admin", password=PASSWORD)
    for role in ("admin", "investigator", "assessor", "monitor", "statistician", "safety"):
        name = role if role == "admin" else f"{role}1"
        if role != "admin":
            accounts.add_account(
                db,
                user="admin",
                username=name,
                role=role,
                password=PASSWORD,
                sites=SITES.get(role, []),
            )
        tokens[role] = signin.create_token(db, user="admin", username=name).token
    return tokens


def make_app(db: Database, tmp_path: Path, **settings: object) -> TestClient:
    chosen = Settings(secret_key_file=tmp_path / "secret-key", **settings)  # type: ignore[arg-type]
    return TestClient(create_app(chosen, db=db), raise_server_exceptions=False)


@pytest.fixture
def server(db: Database, tmp_path: Path, cheap_hashing: None) -> Iterator[Server]:
    tokens = populate(db)
    with make_app(db, tmp_path) as client:
        yield Server(client, db, tokens)
