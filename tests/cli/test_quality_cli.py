"""``regencord check``, ``queries``, ``query answer|close`` and ``audit show``."""

from __future__ import annotations

from typing import Any

from regencord.services import exams
from regencord.store.db import Database
from tests.cli.test_followup_cli import Cli
from tests.services.followup_data import TRIAL, USER, setup_trial
from tests.services.test_quality import with_nt


def test_checks_queries_and_audit(db: Database) -> None:
    setup_trial(db)
    cli = Cli(db)
    out = cli.ok("check", "configure", "--trial", TRIAL, "nt_cells", "--param", "max_nt=3")
    assert "max_nt=3" in out
    assert "nt_cells" in cli.ok("check", "list", "--trial", TRIAL)
    exams.record_exam(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline", exam=with_nt(4),
        exam_date="2024-01-10",
    )  # fmt: skip
    out = cli.ok("check", "--trial", TRIAL, "--user", "dm")
    assert "0 queries opened" in out and "still failing" in out
    listed = cli.ok("queries", "--trial", TRIAL, "--site", "S01", "--state", "open")
    line = next(x for x in listed.splitlines() if "nt_cells" in x)
    query_id = line.split()[0]
    assert "4 NT cells" in line
    assert cli.ok("queries", "--site", "S99") == "no queries\n"
    out = cli.ok("query", "answer", query_id, "--text", "cast on arm", "--user", "site")
    assert f"query {query_id} (answered)" in out and "cast on arm" in out
    out = cli.ok("query", "close", query_id, "--text", "accepted", "--user", "dm")
    assert "(closed)" in out
    assert "cannot become" in cli.refused("query", "close", query_id, "--text", "again")[0]
    assert cli.refused("check", "configure", "--trial", TRIAL, "nope")
    assert cli.refused("check", "configure", "--trial", TRIAL, "nt_cells", "--param", "x")
    assert cli.refused("check")
    trail = cli.ok("audit", "show", "--table", "data_query", "--record", query_id)
    assert "open -> answered" in trail and "answered -> closed" in trail and "accepted" in trail
    by_site = cli.ok("audit", "show", "--trial", TRIAL, "--user", "site", "--limit", "100")
    assert {line.split()[2] for line in by_site.splitlines()[1:]} == {"site"}
    assert len(cli.ok("audit", "show", "--limit", "2").splitlines()) == 3
    assert cli.refused("audit", "show", "--record", "1")


def test_queries_whose_check_now_passes_are_shown_and_closed_in_one_step(db: Database) -> None:
    setup_trial(db)
    cli = Cli(db)
    cli.ok("check", "configure", "--trial", TRIAL, "nt_cells", "--param", "max_nt=3")
    where: dict[str, Any] = {"trial_code": TRIAL, "study_id": "P01", "visit": "baseline"}
    exams.record_exam(db, user=USER, **where, exam=with_nt(4), exam_date="2024-01-10")
    listed = cli.ok("queries", "--trial", TRIAL)
    query_id = next(x for x in listed.splitlines() if "nt_cells" in x).split()[0]
    assert "check now passes" not in listed
    assert "give either" in cli.refused("query", "close", "--reason", "fixed")[0]
    assert "closed 0 queries" in cli.ok("query", "close", "--passing", "--reason", "fixed")

    exams.record_exam(
        db, user=USER, **where, exam=with_nt(0), exam_date="2024-01-10", replace=True,
        reason="complete exam found",
    )  # fmt: skip
    listed = cli.ok("queries", "--trial", TRIAL)
    line = next(x for x in listed.splitlines() if x.split()[0] == query_id)
    assert "open (check now passes)" in line
    assert "1 query whose check now passes" in listed
    assert "(open (check now passes))" in cli.ok("query", "show", query_id)

    assert cli.refused("query", "close", "--passing", "--reason", "   ")
    out = cli.ok(
        "query", "close", "--passing", "--trial", TRIAL, "--reason", " exam replaced ",
        "--user", "dm",
    )  # fmt: skip
    assert f"closed query {query_id}" in out and "closed 1 query whose" in out
    shown = cli.ok("query", "show", query_id)
    assert "(closed)" in shown and "[closed] exam replaced" in shown
    trail = cli.ok("audit", "show", "--table", "data_query", "--record", query_id)
    assert "open -> closed" in trail and "exam replaced" in trail
    assert "check now passes" not in cli.ok("queries", "--trial", TRIAL)
