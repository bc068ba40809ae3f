"""``regencord ae …``, ``regencord imaging …``, ``regencord rehab …``: adverse events,
imaging findings and rehabilitation sessions of participants."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regencord.cli.followup import (
    REQUIRED,
    OptionalParticipant,
    ParticipantOption,
    TrialOption,
    counted,
    table,
)
from regencord.cli.options import DbOption, ReasonOption, UserOption, fail, run, say, user_of
from regencord.services import safety
from regencord.services.safety import AeResolution, Relatedness
from regencord.services.validation import choices_of

ae = typer.Typer(no_args_is_help=True, help="Adverse events.")
imaging = typer.Typer(no_args_is_help=True, help="Imaging findings (mass, syrinx, lesion).")
rehab = typer.Typer(no_args_is_help=True, help="Rehabilitation sessions.")

RELATEDNESS = choices_of(Relatedness)
OUTCOMES = choices_of(AeResolution)

TERM = "Adverse event term (verbatim or MedDRA PT)."
ONSET = "Onset date."
GRADE = "CTCAE grade, 1-5."
CELLS = f"Related to the cells: {RELATEDNESS}."
SURGERY = f"Related to the surgery: {RELATEDNESS}."
IMMUNO = f"Related to the immunosuppression: {RELATEDNESS}."
OUTCOME = f"Outcome: {OUTCOMES}."

Term = Annotated[str | None, typer.Option(metavar="TERM", help=TERM)]
Meddra = Annotated[
    str | None, typer.Option("--meddra", metavar="CODE", help="MedDRA code (8 digits).")
]
Onset = Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help=ONSET)]
Resolution = Annotated[
    str | None, typer.Option(metavar="YYYY-MM-DD", help="Resolution date (empty: unresolved).")
]
Grade = Annotated[int | None, typer.Option(metavar="1-5", help=GRADE)]
Cells = Annotated[str | None, typer.Option(metavar="LIKELIHOOD", help=CELLS)]
Surgery = Annotated[str | None, typer.Option(metavar="LIKELIHOOD", help=SURGERY)]
Immuno = Annotated[str | None, typer.Option(metavar="LIKELIHOOD", help=IMMUNO)]
Outcome = Annotated[str | None, typer.Option(metavar="OUTCOME", help=OUTCOME)]
Action = Annotated[str | None, typer.Option(metavar="TEXT", help="Action taken.")]
# ``ae add``: what the use case requires (every missing one is reported at once).
NewTerm = Annotated[str | None, typer.Option("--term", metavar="TERM", help=TERM + REQUIRED)]
NewOnset = Annotated[
    str | None, typer.Option("--onset", metavar="YYYY-MM-DD", help=ONSET + REQUIRED)
]
NewGrade = Annotated[int | None, typer.Option("--grade", metavar="1-5", help=GRADE + REQUIRED)]
NewCells = Annotated[
    str | None, typer.Option("--cells", metavar="LIKELIHOOD", help=CELLS + REQUIRED)
]
NewSurgery = Annotated[
    str | None, typer.Option("--surgery", metavar="LIKELIHOOD", help=SURGERY + REQUIRED)
]
NewImmuno = Annotated[
    str | None,
    typer.Option("--immunosuppression", metavar="LIKELIHOOD", help=IMMUNO + REQUIRED),
]
NewOutcome = Annotated[
    str | None, typer.Option("--outcome", metavar="OUTCOME", help=OUTCOME + REQUIRED)
]


def _ae_line(e: safety.AdverseEventView) -> str:
    serious = "serious, " if e.serious else ""
    what = f"{e.term}, grade {e.ctcae_grade}, {serious}{e.outcome.value}"
    return f"adverse event {e.id} of {e.participant}: {what}"


@ae.command("add")
def ae_add(
    trial: TrialOption,
    participant: ParticipantOption,
    term: NewTerm = None,
    meddra: Meddra = None,
    onset: NewOnset = None,
    resolution: Resolution = None,
    grade: NewGrade = None,
    serious: Annotated[bool, typer.Option("--serious", help="A serious adverse event.")] = False,
    cells: NewCells = None,
    surgery: NewSurgery = None,
    immunosuppression: NewImmuno = None,
    outcome: NewOutcome = None,
    action: Action = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record an adverse event."""
    data = {
        "term": term,
        "meddra_code": meddra,
        "onset_date": onset,
        "resolution_date": resolution,
        "ctcae_grade": grade,
        "serious": serious,
        "related_to_cells": cells,
        "related_to_surgery": surgery,
        "related_to_immunosuppression": immunosuppression,
        "outcome": outcome,
        "action_taken": action,
    }
    e = run(
        db,
        lambda d: safety.add_adverse_event(
            d, user=user_of(user), trial_code=trial, study_id=participant, data=data
        ),
    )
    say(_ae_line(e) + " recorded")


@ae.command("update")
def ae_update(
    event_id: Annotated[int, typer.Argument(metavar="ID", help="The adverse event's id.")],
    term: Term = None,
    meddra: Meddra = None,
    onset: Onset = None,
    resolution: Resolution = None,
    grade: Grade = None,
    serious: Annotated[
        bool | None, typer.Option("--serious/--not-serious", help="Serious or not.")
    ] = None,
    cells: Cells = None,
    surgery: Surgery = None,
    immunosuppression: Immuno = None,
    outcome: Outcome = None,
    action: Action = None,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Change an adverse event (e.g. its resolution and outcome); needs --reason."""
    given: dict[str, Any] = {
        "term": term,
        "meddra_code": meddra,
        "onset_date": onset,
        "resolution_date": resolution,
        "ctcae_grade": grade,
        "serious": serious,
        "related_to_cells": cells,
        "related_to_surgery": surgery,
        "related_to_immunosuppression": immunosuppression,
        "outcome": outcome,
        "action_taken": action,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        fail([f"adverse event {event_id}: no field to change given"])
    e = run(
        db,
        lambda d: safety.update_adverse_event(
            d, user=user_of(user), event_id=event_id, changes=changes, reason=reason
        ),
    )
    say(_ae_line(e) + " updated")


@ae.command("list")
def ae_list(
    trial: TrialOption,
    participant: OptionalParticipant = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Adverse events of a trial (or one participant), by onset."""
    found = run(
        db,
        lambda d: safety.list_adverse_events(
            d, user=user_of(user), trial_code=trial, study_id=participant
        ),
    )
    if not found:
        say("no adverse events")
        return
    headers = ["AE", "Participant", "Term", "MedDRA", "Onset", "Resolved", "Grade", "Serious",
               "Cells", "Surgery", "Immunosuppr.", "Outcome"]  # fmt: skip
    rows = [
        [e.id, e.participant, e.term, e.meddra_code, e.onset_date, e.resolution_date,
         e.ctcae_grade, e.serious, e.related_to_cells.value, e.related_to_surgery.value,
         e.related_to_immunosuppression.value, e.outcome.value]
        for e in found
    ]  # fmt: skip
    for line in table(headers, rows):
        say(line)


@imaging.command("add")
def imaging_add(
    trial: TrialOption,
    participant: ParticipantOption,
    date: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Imaging date." + REQUIRED)
    ] = None,
    modality: Annotated[
        str | None,
        typer.Option(metavar="MODALITY", help="MRI, CT, X-ray, PET, ultrasound, other." + REQUIRED),
    ] = None,
    finding: Annotated[
        str | None, typer.Option(metavar="TEXT", help="The finding, as reported." + REQUIRED)
    ] = None,
    suspected_mass: Annotated[
        bool, typer.Option("--suspected-mass", help="A mass (e.g. tumour) is suspected.")
    ] = False,
    syrinx: Annotated[bool, typer.Option("--syrinx", help="A syrinx is seen.")] = False,
    lesion_length: Annotated[
        float | None, typer.Option("--lesion-length", help="Lesion length in mm.")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record an imaging finding."""
    data = {
        "imaging_date": date,
        "modality": modality,
        "finding": finding,
        "suspected_mass": suspected_mass,
        "syrinx": syrinx,
        "lesion_length_mm": lesion_length,
    }
    f = run(
        db,
        lambda d: safety.add_imaging_finding(
            d, user=user_of(user), trial_code=trial, study_id=participant, data=data
        ),
    )
    flags = [n for n, on in (("suspected mass", f.suspected_mass), ("syrinx", f.syrinx)) if on]
    flagged = f" [{', '.join(flags)}]" if flags else ""
    what = f"{f.modality.value}, {f.imaging_date}"
    say(f"imaging finding {f.id} of {f.participant} recorded ({what}){flagged}")


@imaging.command("list")
def imaging_list(
    trial: TrialOption,
    participant: OptionalParticipant = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Imaging findings of a trial (or one participant), by date."""
    found = run(
        db,
        lambda d: safety.list_imaging_findings(
            d, user=user_of(user), trial_code=trial, study_id=participant
        ),
    )
    if not found:
        say("no imaging findings")
        return
    headers = ["Finding", "Participant", "Date", "Modality", "Mass", "Syrinx", "Lesion mm", "Text"]
    rows = [
        [f.id, f.participant, f.imaging_date, f.modality.value, f.suspected_mass, f.syrinx,
         f.lesion_length_mm, f.finding]
        for f in found
    ]  # fmt: skip
    for line in table(headers, rows):
        say(line)


@rehab.command("add")
def rehab_add(
    trial: TrialOption,
    participant: ParticipantOption,
    date: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Session date." + REQUIRED)
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Kind of therapy, e.g. locomotor training." + REQUIRED),
    ] = None,
    minutes: Annotated[
        int | None, typer.Option(metavar="MINUTES", help="Duration in minutes." + REQUIRED)
    ] = None,
    note: Annotated[str | None, typer.Option(help="Note.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a rehabilitation session."""
    data = {"session_date": date, "kind": kind, "minutes": minutes, "note": note}
    r = run(
        db,
        lambda d: safety.add_rehab_session(
            d, user=user_of(user), trial_code=trial, study_id=participant, data=data
        ),
    )
    what = f"{r.session_date}, {r.kind}, {r.minutes} min"
    say(f"rehab session {r.id} of {r.participant} recorded: {what}")


@rehab.command("list")
def rehab_list(
    trial: TrialOption,
    participant: OptionalParticipant = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """List rehabilitation sessions, with totals.

    The sessions of a trial (or one participant), by date.
    """
    found = run(
        db,
        lambda d: safety.list_rehab_sessions(
            d, user=user_of(user), trial_code=trial, study_id=participant
        ),
    )
    if not found:
        say("no rehabilitation sessions")
        return
    rows = [[r.id, r.participant, r.session_date, r.kind, r.minutes, r.note] for r in found]
    for line in table(["Session", "Participant", "Date", "Kind", "Minutes", "Note"], rows):
        say(line)
    say(f"{counted(len(found), 'session')}, {sum(r.minutes for r in found)} minutes")
