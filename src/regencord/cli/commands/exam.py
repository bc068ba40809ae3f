"""``regencord exam …``: record ISNCSCI exams at visits (classified when stored) and show
them; ``regencord reclassify``: re-run the engine on every stored exam."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from regencord.cli.followup import (
    DateOption,
    OptionalVisit,
    ParticipantOption,
    TrialOption,
    VisitOption,
    counted,
    replacing,
    table,
)
from regencord.cli.options import DbOption, ReasonOption, UserOption, run, say, user_of
from regencord.services import exams
from regencord.services.database import Database
from regencord.services.exams import ExamView

app = typer.Typer(no_args_is_help=True, help="ISNCSCI exams taken at visits.")

RESULT_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AIS", ("ais",)),
    ("NLI", ("nli",)),
    ("Sensory R/L", ("right_sensory_level", "left_sensory_level")),
    ("Motor R/L", ("right_motor_level", "left_motor_level")),
    ("Sensory ZPP R/L", ("right_sensory_zpp", "left_sensory_zpp")),
    ("Motor ZPP R/L", ("right_motor_zpp", "left_motor_zpp")),
    ("UEMS", ("uems",)),
    ("LEMS", ("lems",)),
    ("LT", ("light_touch",)),
    ("PP", ("pin_prick",)),
)
"""The classification table's columns, as in ``regencord classify``."""


def _results(e: ExamView) -> list[str]:
    return ["/".join(e.results[c] for c in columns) for _, columns in RESULT_COLUMNS]


@app.command("add")
def add(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: VisitOption,
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            help="The exam: a .json file (Praxis shape, one exam) or a .csv file (one row).",
            show_default=False,
        ),
    ],
    examiner: Annotated[str | None, typer.Option(help="Who examined.")] = None,
    date: DateOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the visit's exam (needs --reason).")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Validate, classify and store an exam (date defaults to the visit's)."""

    def action(d: Database) -> ExamView:
        data = exams.load_exam_file(file)
        return replacing(
            lambda: exams.record_exam(
                d,
                user=user_of(user),
                trial_code=trial,
                study_id=participant,
                visit=visit,
                exam=data,
                exam_date=date,
                examiner=examiner,
                replace=replace,
                reason=reason,
            )
        )

    e = run(db, action)
    replaced = f", replacing exam {', '.join(map(str, e.replaced))}" if e.replaced else ""
    say(f"exam {e.id} stored for {e.participant} at {e.visit} ({e.exam_date}){replaced}")
    for line in table([h for h, _ in RESULT_COLUMNS], [_results(e)]):
        say(line)


@app.command("show")
def show(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: OptionalVisit = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the stored exams and classifications as JSON.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """A participant's exams (or one visit's) with their classification."""
    who = user_of(user)
    found = run(
        db,
        lambda d: exams.list_exams(
            d, user=who, trial_code=trial, study_id=participant, visit=visit
        ),
    )
    if as_json:
        items = [
            {
                "id": e.id,
                "visit": e.visit,
                "exam_date": e.exam_date.isoformat(),
                "examiner": e.examiner,
                "engine_version": e.engine_version,
                "locked": e.locked,
                "exam": e.raw,
                "classification": e.classification,
            }
            for e in found
        ]
        say(json.dumps(items, indent=2))
        return
    if not found:
        say(f"no exams of {participant}" + (f" at {visit}" if visit else ""))
        return
    headers = ["Exam", "Visit", "Date", "Examiner", *(h for h, _ in RESULT_COLUMNS), "Engine"]
    rows = [
        [e.id, e.visit + (" (locked)" if e.locked else ""), e.exam_date, e.examiner,
         *_results(e), e.engine_version]
        for e in found
    ]  # fmt: skip
    for line in table(headers, rows):
        say(line)


def reclassify(db: DbOption = None, user: UserOption = None) -> None:
    """Re-run the classification engine on every stored exam and store what changed."""
    r = run(db, lambda d: exams.reclassify_all(d, user=user_of(user)))
    say(
        f"reclassified {counted(r.checked, 'stored exam')} with {r.engine_version}: "
        f"{len(r.updated)} changed, {len(r.restamped)} unchanged but restamped"
    )
    for change in r.changes:
        say(f"  {change}")
    if r.locked:
        locked = counted(len(r.locked), "exam")
        say(f"{locked} of locked visits left as they are (unlock to update):")
        for change in r.locked_changes:
            say(f"  {change}")
        restamp_only = sorted(set(r.locked) - {c.exam_id for c in r.locked_changes})
        if restamp_only:
            label = "exam" if len(restamp_only) == 1 else "exams"
            say(f"  {label} {', '.join(map(str, restamp_only))}: engine version only")
    for exam_id, problem in r.failed:
        say(f"exam {exam_id} not reclassified: the engine rejects it ({problem})")
