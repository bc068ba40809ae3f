"""``regencord transplant …``: the transplant, the immunosuppression around it, and the
chain of identity from cell line to participant."""

from __future__ import annotations

from typing import Annotated

import typer

from regencord.cli.options import DbOption, ReasonOption, UserOption, fail, run, say, user_of
from regencord.services import transplants

app = typer.Typer(
    no_args_is_help=True,
    help="Record a transplant and its immunosuppression; trace the chain of identity.",
)
immunosuppression = typer.Typer(
    no_args_is_help=True, help="Immunosuppression courses given around a transplant."
)
app.add_typer(immunosuppression, name="immunosuppression")

TrialOption = Annotated[str, typer.Option(help="Trial code.")]
ParticipantOption = Annotated[str, typer.Option(help="Participant study id.")]


@app.command("add")
def add(
    trial: TrialOption,
    participant: ParticipantOption,
    lot: Annotated[str, typer.Option(help="Lot id of the transplanted cells.")],
    date: Annotated[str, typer.Option("--date", metavar="DATE", help="Transplant date.")],
    dose: Annotated[str, typer.Option(metavar="CELLS", help="Number of cells, e.g. 2000000.")],
    volume: Annotated[str, typer.Option(metavar="µL", help="Injected volume in µL.")],
    sites: Annotated[
        str,
        typer.Option(
            metavar="LEVELS",
            help="Injection sites: vertebral levels (C1-C7, T1-T12, L1-L5, S1-S5) or spans "
            "(C4-C5), comma-separated: 'C4, C5'.",
        ),
    ],
    surgeon: Annotated[str, typer.Option(help="Operating surgeon.")],
    deviation: Annotated[
        str | None,
        typer.Option(help="Protocol deviation note (required outside the transplant window)."),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a transplant.

    The participant must be enrolled, the lot released and not expired; outside the
    trial's transplant window only with --deviation.
    """
    data = {
        "lot": lot,
        "transplant_date": date,
        "dose_cells": dose,
        "volume_ul": volume,
        "injection_sites": sites,
        "surgeon": surgeon,
        "protocol_deviation": deviation,
    }
    t = run(
        db,
        lambda d: transplants.record_transplant(
            d, user=user_of(user), trial_code=trial, study_id=participant, data=data
        ),
    )
    note = "; protocol deviation recorded" if t.protocol_deviation else ""
    say(
        f"participant {t.study_id} of trial {t.trial}: transplant with lot {t.lot_id} on "
        f"{t.transplant_date.isoformat()} (day {t.days_after_injury} after injury) recorded; "
        f"status {t.participant_status}{note}"
    )


@app.command("correct")
def correct(
    trial: TrialOption,
    participant: ParticipantOption,
    lot: Annotated[str | None, typer.Option(help="Lot id of the transplanted cells.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Transplant date.")
    ] = None,
    dose: Annotated[
        str | None, typer.Option(metavar="CELLS", help="Number of cells, e.g. 2000000.")
    ] = None,
    volume: Annotated[str | None, typer.Option(metavar="µL", help="Injected volume in µL.")] = None,
    sites: Annotated[
        str | None,
        typer.Option(metavar="LEVELS", help="Injection sites, comma-separated: 'C4, C5'."),
    ] = None,
    surgeon: Annotated[str | None, typer.Option(help="Operating surgeon.")] = None,
    deviation: Annotated[
        str | None,
        typer.Option(help="Protocol deviation note (empty: none; required outside the window)."),
    ] = None,
    expected_version: Annotated[
        int | None,
        typer.Option(
            "--expected-version",
            metavar="N",
            help="Refuse the correction unless the record is still at this version.",
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Correct a recorded transplant (needs --reason).

    Only the options given change; the corrected record must meet the rules of a new
    transplant. Refused while the participant's transplant visit is locked.
    """
    given = {
        "lot": lot,
        "transplant_date": date,
        "dose_cells": dose,
        "volume_ul": volume,
        "injection_sites": sites,
        "surgeon": surgeon,
        "protocol_deviation": deviation,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        fail([f"transplant of {participant} (trial {trial}): no field to correct given"])
    t = run(
        db,
        lambda d: transplants.correct_transplant(
            d,
            user=user_of(user),
            trial_code=trial,
            study_id=participant,
            changes=changes,
            reason=reason,
            expected_version=expected_version,
        ),
    )
    say(f"participant {t.study_id} of trial {t.trial}: transplant corrected (version {t.version})")
    for line in t.lines():
        say(line)


@app.command("show")
def show(
    trial: TrialOption,
    participant: ParticipantOption,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Show a participant's transplant and immunosuppression."""
    t = run(
        db,
        lambda d: transplants.show_transplant(
            d, user=user_of(user), trial_code=trial, study_id=participant
        ),
    )
    for line in t.lines():
        say(line)


@app.command("chain")
def chain(
    trial: Annotated[str | None, typer.Option(help="Trial code (with --participant).")] = None,
    participant: Annotated[str | None, typer.Option(help="Participant study id.")] = None,
    lot: Annotated[str | None, typer.Option(help="Lot id (instead of a participant).")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Show the chain of identity.

    Cell line → lot (QC, release) → transplanted participants.
    """
    c = run(
        db,
        lambda d: transplants.show_chain_of_identity(
            d, user=user_of(user), trial_code=trial, study_id=participant, lot_id=lot
        ),
    )
    say(str(c))


@immunosuppression.command("add")
def immunosuppression_add(
    trial: TrialOption,
    participant: ParticipantOption,
    regimen: Annotated[str, typer.Option(help="Drug or regimen, e.g. 'tacrolimus'.")],
    start: Annotated[str, typer.Option(metavar="DATE", help="First day.")],
    stop: Annotated[str | None, typer.Option(metavar="DATE", help="Last day.")] = None,
    note: Annotated[str | None, typer.Option(help="Note.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record an immunosuppression course (open while --stop is not given)."""
    data = {"regimen": regimen, "start_on": start, "stop_on": stop, "note": note}
    course = run(
        db,
        lambda d: transplants.add_immunosuppression(
            d, user=user_of(user), trial_code=trial, study_id=participant, data=data
        ),
    )
    say(f"participant {participant} of trial {trial}: immunosuppression {course} recorded")


@immunosuppression.command("stop")
def immunosuppression_stop(
    trial: TrialOption,
    participant: ParticipantOption,
    course: Annotated[int, typer.Option(help="Course number (see 'transplant show').")],
    stop: Annotated[str, typer.Option(metavar="DATE", help="Last day.")],
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Record the last day of an ongoing course.

    Changing a stop date already recorded needs --reason.
    """
    shown = run(
        db,
        lambda d: transplants.stop_immunosuppression(
            d,
            user=user_of(user),
            trial_code=trial,
            study_id=participant,
            course_id=course,
            stop_on=stop,
            reason=reason,
        ),
    )
    say(f"participant {participant} of trial {trial}: immunosuppression {shown}")
