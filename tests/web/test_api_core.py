"""The API's core (issue 11): health, bearer tokens (401), POST /classify (the CLI's JSON,
422 with every problem, 413 over the limit, ?explain), one error body everywhere, no
traceback, security headers, OpenAPI and docs served without a CDN."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from typer.testing import CliRunner

from regencord import __version__
from regencord.cli.app import app as cli_app
from regencord.isncsci.synthetic import generate_exams
from regencord.services import accounts, signin
from regencord.store.db import Database
from regencord.web.middleware import SECURITY_HEADERS
from tests.exam_files import c5_complete_exam, normal_exam, three_exams, write_json
from tests.web.conftest import Server, make_app

CLASSIFY = "/api/v1/classify"


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error body, and nothing that looks like a traceback."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "problems"}
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]
    for problem in error["problems"]:
        assert {"record", "field", "value", "message"} <= set(problem)
    assert "Traceback" not in response.text and 'File "' not in response.text
    return error


def test_health_needs_no_token_and_never_shows_the_url(server: Server) -> None:
    response = server.client.get("/api/v1/health")
    assert response.status_code == 200
    kind = server.db.engine.dialect.name
    assert response.json() == {"status": "ok", "version": __version__, "database": kind}
    assert str(server.db.engine.url.database) not in response.text or kind == "postgresql"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer rc_not-a-real-token", "Basic YWRtaW46eA==", "Bearer x y"],
)
def test_missing_or_bad_credentials_are_401(server: Server, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = server.client.post(CLASSIFY, json=normal_exam(), headers=headers)
    error = assert_error(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    assert "token" in error["message"] or "credentials" in error["message"]


def test_revoked_token_and_disabled_account_are_401(server: Server) -> None:
    headers = server.headers("monitor")
    assert server.client.get("/api/v1/trials", headers=headers).status_code == 200
    accounts.disable_account(server.db, user="admin", username="monitor1")
    assert_error(server.client.get("/api/v1/trials", headers=headers), 401, "not_authenticated")
    [token] = signin.list_tokens(server.db, "admin", user="admin")
    signin.revoke_token(server.db, user="admin", token_id=token.id)
    response = server.client.get("/api/v1/trials", headers=server.headers("admin"))
    assert_error(response, 401, "not_authenticated")


def test_classify_answers_what_the_cli_prints(server: Server, tmp_path: Path) -> None:
    exams = three_exams() + generate_exams(20, seed=11, nt_rate=0.05, tag_rate=0.02)
    path = write_json(tmp_path / "exams.json", exams)
    printed = CliRunner().invoke(cli_app, ["classify", str(path), "--format", "json"])
    assert printed.exit_code == 0, printed.output
    response = server.client.post(CLASSIFY, json=exams, headers=server.headers("assessor"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text == printed.stdout
    one = server.client.post(CLASSIFY, json=normal_exam(), headers=server.headers("safety"))
    assert one.json() == [json.loads(printed.stdout)[0]]  # one exam: an array of one


def test_classify_explain_adds_the_explanations(server: Server) -> None:
    headers = server.headers("monitor")
    plain = server.client.post(CLASSIFY, json=[c5_complete_exam()], headers=headers)
    explained = server.client.post(
        f"{CLASSIFY}?explain=true", json=[c5_complete_exam()], headers=headers
    )
    assert explained.status_code == 200
    [result] = explained.json()
    lines = result.pop("explanation")
    assert result == plain.json()[0]
    assert lines and all(isinstance(line, str) for line in lines)


def test_classify_reports_every_problem_with_exam_field_and_value(server: Server) -> None:
    bad = normal_exam("BAD")
    bad["right"]["motor"]["C5"] = "9"
    bad["left"]["lightTouch"]["T4"] = "x"
    exams = [normal_exam(), bad, {"vac": "Maybe"}]
    response = server.client.post(CLASSIFY, json=exams, headers=server.headers("admin"))
    error = assert_error(response, 422, "invalid_input")
    by_field = {(p["exam"], p["field"]): p for p in error["problems"]}
    assert by_field[(2, "right.motor.C5")]["value"] == "9"
    assert by_field[(2, "right.motor.C5")]["record"] == "exam 2 (id BAD)"
    assert by_field[(2, "left.lightTouch.T4")]["value"] == "x"
    assert any(exam == 3 for exam, _ in by_field)
    assert 1 not in {exam for exam, _ in by_field}
    cli_lines = {f"{p['record']}: {p['field']}: {p['message']}" for p in error["problems"]}
    assert all(line.startswith("exam ") for line in cli_lines)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b'"a string"', "must be a JSON object (one exam) or an array of exams"),
        (b"\xff\xfe", "is not UTF-8 text"),
    ],
)
def test_classify_refuses_a_body_that_is_not_exams(
    server: Server, body: bytes, message: str
) -> None:
    response = server.client.post(
        CLASSIFY,
        content=body,
        headers=server.headers("admin") | {"Content-Type": "application/json"},
    )
    error = assert_error(response, 422, "invalid_input")
    assert message in error["problems"][0]["message"]


def test_a_body_over_the_limit_is_413(db: Database, tmp_path: Path, cheap_hashing: None) -> None:
    from tests.web.conftest import populate

    tokens = populate(db)
    with make_app(db, tmp_path, max_body_bytes=4096) as client:
        headers = {"Authorization": f"Bearer {tokens['admin']}"}
        small = client.post(CLASSIFY, json=normal_exam(), headers=headers)
        assert small.status_code == 200
        exams = [normal_exam(f"E{i}") for i in range(10)]
        assert len(json.dumps(exams)) > 4096
        big = client.post(CLASSIFY, json=exams, headers=headers)
        error = assert_error(big, 413, "payload_too_large")
        assert "4096 bytes" in error["message"]

        def chunks() -> Any:  # no Content-Length: counted as it arrives
            data = json.dumps(exams).encode()
            for start in range(0, len(data), 1000):
                yield data[start : start + 1000]

        streamed = client.post(CLASSIFY, content=chunks(), headers=headers)
        assert_error(streamed, 413, "payload_too_large")


def test_the_default_limit_is_ten_megabytes(server: Server) -> None:
    app = server.client.app
    assert app.state.settings.max_body_bytes == 10 * 1024 * 1024  # type: ignore[attr-defined]


def test_errors_of_the_framework_have_the_one_body(server: Server) -> None:
    assert_error(server.client.get("/api/v1/nowhere"), 404, "not_found")
    assert_error(server.client.delete("/api/v1/health"), 405, "method_not_allowed")
    response = server.client.get("/api/v1/trials?limit=0", headers=server.headers("admin"))
    error = assert_error(response, 422, "invalid_input")
    assert error["problems"][0]["field"] == "query.limit"
    response = server.client.get("/api/v1/trials?cursor=abc", headers=server.headers("admin"))
    assert assert_error(response, 422, "invalid_input")["problems"][0]["field"] == "cursor"


def test_an_unexpected_error_is_a_500_without_a_traceback(server: Server) -> None:
    router = APIRouter()

    @router.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    server.client.app.include_router(router)  # type: ignore[attr-defined]
    response = server.client.get("/api/v1/boom")
    error = assert_error(response, 500, "internal_error")
    assert "secret internals" not in response.text and "RuntimeError" not in response.text
    assert error["problems"] == []


@pytest.mark.parametrize(
    "path", ["/api/v1/health", "/api/v1/docs", "/api/v1/openapi.json", "/api/v1/nowhere"]
)
def test_security_headers_on_every_response(server: Server, path: str) -> None:
    response = server.client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_openapi_and_docs_are_served_from_the_package(server: Server) -> None:
    spec = server.client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/health", "/api/v1/classify", "/api/v1/trials"} <= set(spec["paths"])
    assert "bearer" in json.dumps(spec["components"]["securitySchemes"]).lower()
    page = server.client.get("/api/v1/docs")
    assert page.status_code == 200 and "<script>" not in page.text
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    for src in ("/api/v1/docs/assets/swagger-ui-bundle.js", "/api/v1/docs/assets/swagger-ui.css"):
        assert src in page.text
        asset = server.client.get(src)
        assert asset.status_code == 200 and len(asset.content) > 10_000
    start = server.client.get("/api/v1/docs/start.js")
    assert start.status_code == 200 and "/api/v1/openapi.json" in start.text
