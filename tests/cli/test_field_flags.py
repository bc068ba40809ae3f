"""Services speak in fields; the CLI names the flag that gives a field when it prints a
problem of a value not given, or a service error naming its field (issue 10, item 1)."""

from __future__ import annotations

from regencord.cli.options import error_line, error_lines, flag_of, problem_line
from regencord.services.errors import FieldProblem, InvalidInput, NotFound, ReasonNeeded
from regencord.services.unit import DatabaseProblem


def test_flag_of_a_field() -> None:
    assert flag_of("reason") == "--reason"
    assert flag_of("exam_date") == "--date"
    assert flag_of("url") == "--db"
    assert flag_of("age_at_injury", {"age_at_injury": "--age"}) == "--age"
    assert flag_of("visits.0.anchor") is None and flag_of("") is None and flag_of(None) is None


def test_a_value_not_given_names_its_flag() -> None:
    missing = FieldProblem("participant P-001", "consent_date", None, "is required to enrol")
    assert problem_line(missing) == (
        "participant P-001: consent_date: is required to enrol (--consent-date)"
    )
    blank = FieldProblem("queries", "reason", "  ", "is required")
    assert problem_line(blank) == "queries: reason: '  ' is required (--reason)"


def test_a_bad_value_is_shown_as_typed_without_its_flag() -> None:
    bad = FieldProblem("participant P 1", "injury_date", "10/01/2025", "is not a valid date")
    assert problem_line(bad) == "participant P 1: injury_date: '10/01/2025' is not a valid date"


def test_service_errors_name_the_flag_of_their_field() -> None:
    assert error_line(ReasonNeeded("participant P-001: withdrawing needs a reason")) == (
        "participant P-001: withdrawing needs a reason (--reason)"
    )
    assert error_line(NotFound("lot 'X' does not exist")) == "lot 'X' does not exist"
    problem = DatabaseProblem("no database at none.db", initialise="sqlite:///none.db")
    assert (
        error_line(problem) == "no database at none.db: run `regencord init --db sqlite:///none.db`"
    )
    empty = DatabaseProblem("the database URL is empty: give one", field="url")
    assert error_line(empty) == "the database URL is empty: give one (--db)"


def test_every_problem_of_invalid_input_is_a_line() -> None:
    error = InvalidInput(
        [
            FieldProblem("audit", "table", None, "is required with a record id (5)"),
            FieldProblem("audit", "limit", 0, "is not a positive number"),
        ]
    )
    assert error_lines(error) == [
        "audit: table: is required with a record id (5) (--table)",
        "audit: limit: 0 is not a positive number",
    ]


def test_a_message_that_already_names_its_flag_keeps_one() -> None:
    # A service not yet moved to fields (issue 10: the record-at-a-visit services).
    old = ReasonNeeded("visit baseline of P01: unlocking needs a reason (--reason)")
    assert error_line(old) == "visit baseline of P01: unlocking needs a reason (--reason)"
