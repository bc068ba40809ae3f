"""Accounts, roles and sites, password sign-in with throttling, API tokens (issue 11)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from regencord.services import accounts, passwords, signin, trials
from regencord.services.access import (
    PERMISSIONS,
    SITE_SCOPED,
    Action,
    Actor,
    ensure_visible,
    require,
    scoped,
)
from regencord.services.audit import verify_audit
from regencord.services.errors import (
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from regencord.services.transfer import export_trial
from regencord.store.db import Database
from regencord.store.models import Account, ApiToken, AuditEntry, Participant, Role, Site
from regencord.store.models.base import utcnow
from tests.accounts_fixtures import cheap_hashing
from tests.services.followup_data import SITE, TRIAL, add_participant, setup_trial

__all__ = ["cheap_hashing"]

PASSWORD = "correct horse battery"
ADMIN = "admin"


@pytest.fixture
def trial_db(db: Database, cheap_hashing: None) -> Database:
    """A trial with sites S01 and S02, and an admin account."""
    setup_trial(db, participants=())
    trials.add_site(db, user="setup", trial_code=TRIAL, data={"code": "S02", "name": "Two"})
    accounts.add_account(db, user="setup", username=ADMIN, role="admin", password=PASSWORD)
    return db


def _audit(db: Database, action: str) -> list[AuditEntry]:
    with db.transaction(user="t") as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def test_passwords_are_argon2id_at_the_library_s_default_cost() -> None:
    made = passwords.hash_password(PASSWORD)
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.matches(made, PASSWORD) and not passwords.matches(made, PASSWORD + "x")
    assert not passwords.matches(None, PASSWORD)  # no account: checked, and refused
    assert not passwords.needs_rehash(made)


def test_first_account_must_be_an_admin(db: Database) -> None:
    with pytest.raises(InvalidInput, match="must be admin for the first account"):
        accounts.add_account(db, user="me", username="amy", role="assessor", password=PASSWORD)
    assert accounts.acting_user(db, "anyone") is None  # no accounts: single-user mode


def test_add_account_with_sites_is_audited_without_the_hash(trial_db: Database) -> None:
    made = accounts.add_account(
        trial_db,
        user=ADMIN,
        username="dr.ito",
        role=Role.INVESTIGATOR,
        password=PASSWORD,
        sites=["S01"],
    )
    assert made.role is Role.INVESTIGATOR and made.sites == (f"{TRIAL}/S01",) and made.active
    rows = [r for r in _audit(trial_db, "insert") if r.table == "account"]
    fields = {r.field: r.new_value for r in rows if r.record_id == made.id}
    assert fields == {
        "username": "dr.ito",
        "role": "investigator",
        "active": "True",
        "sites": f"{TRIAL}/S01",
        "password": "(set)",
    }
    with trial_db.transaction(user="t") as session:
        stored = session.scalar(select(Account).where(Account.username == "dr.ito"))
        assert stored is not None and stored.password_hash.startswith("$argon2id$")
        assert PASSWORD not in stored.password_hash
    assert all(r.user == ADMIN for r in rows if r.record_id == made.id)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "Bad Name"}, "username: 'Bad Name' must be 2 to 100 lower-case"),
        ({"role": "owner"}, "role: 'owner' is not a role"),
        ({"password": "short"}, "password: must be at least 12 characters long"),
        ({"password": " padded password "}, "must not start or end with a space"),
        ({"sites": ["S09"]}, "site: 'S09' is not a site of any trial"),
        ({"username": ADMIN}, "username: 'admin' is already taken"),
    ],
)
def test_bad_accounts_are_refused_with_the_field(
    trial_db: Database, kwargs: dict[str, object], message: str
) -> None:
    given: dict[str, object] = {
        "username": "amy",
        "role": "assessor",
        "password": PASSWORD,
        "sites": ["S01"],
    }
    with pytest.raises(InvalidInput, match=message) as caught:
        accounts.add_account(trial_db, user=ADMIN, **(given | kwargs))  # type: ignore[arg-type]
    assert PASSWORD not in str(caught.value)
    assert [a.username for a in accounts.list_accounts(trial_db, user=ADMIN)] == [ADMIN]


def test_once_accounts_exist_only_an_active_admin_changes_them(trial_db: Database) -> None:
    with pytest.raises(NotAuthenticated, match="'stranger' is not an active account"):
        accounts.add_account(
            trial_db, user="stranger", username="amy", role="assessor", password=PASSWORD
        )
    accounts.add_account(
        trial_db, user=ADMIN, username="amy", role="assessor", password=PASSWORD, sites=["S01"]
    )
    with pytest.raises(PermissionDenied, match="may not manage accounts"):
        accounts.add_account(
            trial_db, user="amy", username="bob", role="assessor", password=PASSWORD
        )
    with pytest.raises(PermissionDenied):
        accounts.change_sites(trial_db, user="amy", username="amy", add=["S02"])
    # anyone may change their own password
    accounts.set_password(trial_db, user="amy", username="amy", password="another long one")
    assert signin.sign_in(trial_db, "amy", "another long one").username == "amy"
    with pytest.raises(PermissionDenied):
        accounts.set_password(trial_db, user="amy", username=ADMIN, password="another long one")


def test_listing_accounts_is_an_admin_s_read_and_tokens_are_one_s_own(
    trial_db: Database,
) -> None:
    accounts.add_account(
        trial_db, user=ADMIN, username="amy", role="assessor", password=PASSWORD, sites=["S01"]
    )
    with pytest.raises(PermissionDenied, match="may not manage accounts"):
        accounts.list_accounts(trial_db, user="amy")
    with pytest.raises(NotAuthenticated, match="'stranger' is not an active account"):
        accounts.list_accounts(trial_db, user="stranger")
    signin.create_token(trial_db, user=ADMIN, username=ADMIN)
    signin.create_token(trial_db, user="amy", username="amy")
    assert {t.username for t in signin.list_tokens(trial_db, user=ADMIN)} == {ADMIN, "amy"}
    assert [t.username for t in signin.list_tokens(trial_db, user="amy")] == ["amy"]
    with pytest.raises(NotFound, match="account 'admin' does not exist"):
        signin.list_tokens(trial_db, ADMIN, user="amy")


def test_disable_and_sites(trial_db: Database) -> None:
    accounts.add_account(
        trial_db, user=ADMIN, username="amy", role="assessor", password=PASSWORD, sites=["S01"]
    )
    changed = accounts.change_sites(trial_db, user=ADMIN, username="amy", add=["S02"])
    assert changed.sites == (f"{TRIAL}/S01", f"{TRIAL}/S02")
    changed = accounts.change_sites(trial_db, user=ADMIN, username="amy", remove=[f"{TRIAL}/S01"])
    assert changed.sites == (f"{TRIAL}/S02",)
    actor = accounts.acting_user(trial_db, "amy")
    assert actor is not None and actor.role is Role.ASSESSOR and len(actor.sites) == 1
    with pytest.raises(InvalidInput, match="cannot disable yourself"):
        accounts.disable_account(trial_db, user=ADMIN, username=ADMIN)
    gone = accounts.disable_account(trial_db, user=ADMIN, username="amy", reason="left")
    assert not gone.active
    with pytest.raises(NotAuthenticated):
        accounts.acting_user(trial_db, "amy")
    with pytest.raises(NotAuthenticated, match=signin.WRONG):
        signin.sign_in(trial_db, "amy", PASSWORD)
    with pytest.raises(NotFound, match="account 'zed' does not exist"):
        accounts.disable_account(trial_db, user=ADMIN, username="zed")
    updates = [(r.field, r.old_value, r.new_value) for r in _audit(trial_db, "update")]
    assert ("active", "True", "False") in updates
    assert ("sites", f"{TRIAL}/S01", f"{TRIAL}/S01, {TRIAL}/S02") in updates


def test_sign_in_is_audited_and_wrong_answers_are_all_alike(trial_db: Database) -> None:
    actor = signin.sign_in(trial_db, ADMIN, PASSWORD)
    assert actor == Actor(ADMIN, Role.ADMIN, frozenset())
    with pytest.raises(NotAuthenticated) as wrong:
        signin.sign_in(trial_db, ADMIN, "not the password")
    with pytest.raises(NotAuthenticated) as unknown:
        signin.sign_in(trial_db, "nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value) == signin.WRONG
    assert [r.user for r in _audit(trial_db, "sign-in")] == [ADMIN]
    failed = _audit(trial_db, "sign-in-failed")
    assert [(r.user, r.reason) for r in failed] == [
        (ADMIN, "wrong password"),
        ("nobody", "unknown user name"),
    ]
    assert failed[1].record_id == signin.UNKNOWN_ACCOUNT


def test_sign_in_is_throttled_after_five_failures_in_fifteen_minutes(
    trial_db: Database,
) -> None:
    start = utcnow()
    for minute in range(signin.THROTTLE_FAILURES):
        with pytest.raises(NotAuthenticated, match=signin.WRONG):
            moment = start + timedelta(minutes=minute)
            signin.sign_in(trial_db, ADMIN, "wrong wrong wrong", now=moment)
    later = start + timedelta(minutes=10)
    with pytest.raises(NotAuthenticated, match="too many failed sign-ins for 'admin'"):
        signin.sign_in(trial_db, ADMIN, PASSWORD, now=later)  # even the right password
    throttled = _audit(trial_db, "sign-in-failed")[-1]
    assert throttled.reason == "throttled"
    # once the first failure is older than the window, one more try is allowed
    after = start + signin.THROTTLE_WINDOW + timedelta(seconds=1)
    assert signin.sign_in(trial_db, ADMIN, PASSWORD, now=after).username == ADMIN
    assert signin.count_failures(trial_db, ADMIN) == 0  # cleared by the success


def test_unknown_names_are_throttled_too(trial_db: Database) -> None:
    for _ in range(signin.THROTTLE_FAILURES):
        with pytest.raises(NotAuthenticated, match=signin.WRONG):
            signin.sign_in(trial_db, "ghost", PASSWORD)
    with pytest.raises(NotAuthenticated, match="too many failed sign-ins"):
        signin.sign_in(trial_db, "ghost", PASSWORD)


def test_tokens_are_shown_once_stored_hashed_expire_and_revoke(trial_db: Database) -> None:
    made = signin.create_token(trial_db, user=ADMIN, username=ADMIN, days=30)
    assert made.token.startswith("rc_") and len(made.token) == 46
    with trial_db.transaction(user="t") as session:
        [row] = session.scalars(select(ApiToken))
        assert row.token_hash == signin.token_hash(made.token) and made.token not in row.token_hash
    assert signin.authenticate_token(trial_db, made.token).username == ADMIN
    expiry = made.summary.expires_at
    assert expiry - made.summary.created_at == timedelta(days=30)
    with pytest.raises(NotAuthenticated, match="expired"):
        signin.authenticate_token(trial_db, made.token, now=expiry + timedelta(seconds=1))
    for bad in ("", "rc_nope", made.token + "x", "Bearer " + made.token):
        with pytest.raises(NotAuthenticated):
            signin.authenticate_token(trial_db, bad)
    [listed] = signin.list_tokens(trial_db, ADMIN, user=ADMIN)
    assert listed.id == made.summary.id and listed.revoked_at is None
    revoked = signin.revoke_token(trial_db, user=ADMIN, token_id=made.summary.id)
    assert revoked.revoked_at is not None
    with pytest.raises(NotAuthenticated):
        signin.authenticate_token(trial_db, made.token)
    actions = [r.action for r in _audit(trial_db, "token-create")]
    actions += [r.action for r in _audit(trial_db, "token-revoke")]
    assert actions == ["token-create", "token-revoke"]
    with pytest.raises(NotFound, match="token 999 does not exist"):
        signin.revoke_token(trial_db, user=ADMIN, token_id=999)
    with pytest.raises(InvalidInput, match="days: 0 must be 1 to 3650"):
        signin.create_token(trial_db, user=ADMIN, username=ADMIN, days=0)


def test_a_disabled_account_s_tokens_stop_working(trial_db: Database) -> None:
    accounts.add_account(trial_db, user=ADMIN, username="amy", role="monitor", password=PASSWORD)
    made = signin.create_token(trial_db, user="amy", username="amy")  # one's own token
    assert signin.authenticate_token(trial_db, made.token).role is Role.MONITOR
    with pytest.raises(NotFound):  # another's token: as if it did not exist
        signin.revoke_token(trial_db, user="amy", token_id=_admin_token(trial_db))
    accounts.disable_account(trial_db, user=ADMIN, username="amy")
    with pytest.raises(NotAuthenticated):
        signin.authenticate_token(trial_db, made.token)


def _admin_token(db: Database) -> int:
    return signin.create_token(db, user=ADMIN, username=ADMIN).summary.id


def test_every_role_has_permissions_and_the_scoping_rule() -> None:
    assert set(PERMISSIONS) == set(Role)
    assert {Role.INVESTIGATOR, Role.ASSESSOR} == SITE_SCOPED
    assert all(Action.CLASSIFY in allowed for allowed in PERMISSIONS.values())
    assert Action.SIGN_VISITS in PERMISSIONS[Role.INVESTIGATOR]
    assert Action.SIGN_VISITS not in PERMISSIONS[Role.ADMIN]
    for role in (Role.MONITOR, Role.STATISTICIAN, Role.SAFETY):
        assert not PERMISSIONS[role] & {Action.ENTER_EXAMS, Action.WRITE_PARTICIPANTS}
    assert Action.READ_RECORDS not in PERMISSIONS[Role.SAFETY]
    monitor = Actor("m", Role.MONITOR)
    require(monitor, Action.RAISE_QUERIES)
    with pytest.raises(PermissionDenied, match=r"m \(monitor\) may not enter exams"):
        require(monitor, Action.ENTER_EXAMS)


def test_another_site_s_record_is_not_found_never_forbidden(trial_db: Database) -> None:
    add_participant(trial_db, "P01")
    with trial_db.transaction(user="t") as session:
        s01 = session.scalar(select(Site.id).where(Site.code == SITE))
        s02 = session.scalar(select(Site.id).where(Site.code == "S02"))
    assert s01 is not None and s02 is not None
    assessor = Actor("amy", Role.ASSESSOR, frozenset({s02}))
    missing = f"participant P01 of trial {TRIAL} does not exist"
    with pytest.raises(NotFound) as caught:
        ensure_visible(assessor, s01, missing)
    assert str(caught.value) == missing
    ensure_visible(Actor("m", Role.MONITOR), s01, missing)  # all sites
    with trial_db.transaction(user="t") as session:
        query = select(Participant.study_id)
        assert list(session.scalars(scoped(query, Participant.site_id, assessor))) == []
        everyone = Actor("m", Role.STATISTICIAN)
        assert list(session.scalars(scoped(query, Participant.site_id, everyone))) == ["P01"]


def test_account_rows_keep_the_audit_chain_and_never_leave_in_an_export(
    trial_db: Database, tmp_path: Path
) -> None:
    accounts.add_account(
        trial_db, user=ADMIN, username="amy", role="assessor", password=PASSWORD, sites=["S01"]
    )
    made = signin.create_token(trial_db, user=ADMIN, username="amy")
    with pytest.raises(NotAuthenticated):
        signin.sign_in(trial_db, "amy", "not the password")
    assert verify_audit(trial_db, user=ADMIN).intact
    report = export_trial(trial_db, trial_code=TRIAL, folder=tmp_path / "export", user=ADMIN)
    names = {f.name for f in report.files}
    assert not names & {"account.csv", "account_site.csv", "api_token.csv", "sign_in_failure.csv"}
    texts = "".join(p.read_text() for p in (tmp_path / "export").iterdir())
    assert "$argon2" not in texts and signin.token_hash(made.token) not in texts
    assert "amy" not in texts  # nor the account rows of the audit trail
