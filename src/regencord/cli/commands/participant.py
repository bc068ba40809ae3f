"""``regencord participant …``: enrol pseudonymous participants, record their eligibility,
move them through the trial, show and list them.

Values are checked by the use cases (not by option types), so that every bad value is
reported as one line naming record, field and value, with exit status 2.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from regencord.cli.commands import timeline
from regencord.cli.followup import REQUIRED
from regencord.cli.options import (
    DbOption,
    ReasonOption,
    UserOption,
    fail,
    run,
    say,
    user_of,
)
from regencord.services import participants
from regencord.services.participants import ParticipantView, transition_text

app = typer.Typer(
    no_args_is_help=True,
    help="Participants of a trial: enrolment, eligibility, status (pseudonymous: study ids only).",
)

StudyIdArgument = Annotated[str, typer.Argument(metavar="STUDY_ID", help="Pseudonymous study id.")]
TrialOption = Annotated[str, typer.Option("--trial", help="Trial code.")]
AGE_HELP = "Age at injury in years (0-120)."
SEX_HELP = "female, male, other or unknown."
AgeOption = Annotated[str | None, typer.Option("--age", metavar="YEARS", help=AGE_HELP)]
SexOption = Annotated[str | None, typer.Option("--sex", metavar="SEX", help=SEX_HELP)]
InjuryDateOption = Annotated[
    str | None, typer.Option("--injury-date", metavar="YYYY-MM-DD", help="Date of injury.")
]
MechanismOption = Annotated[
    str | None, typer.Option("--mechanism", help="Mechanism of injury, e.g. fall, traffic.")
]
LevelOption = Annotated[
    str | None,
    typer.Option("--vertebral-level", help="Vertebral level on imaging, e.g. C4 or C4-C5."),
]
ConsentOption = Annotated[
    str | None, typer.Option("--consent-date", metavar="YYYY-MM-DD", help="Date of consent.")
]


def _given(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


@app.command("add")
def add(
    study_id: StudyIdArgument,
    trial: TrialOption,
    site: Annotated[str, typer.Option("--site", help="Site code.")],
    age: Annotated[
        str | None, typer.Option("--age", metavar="YEARS", help=AGE_HELP + REQUIRED)
    ] = None,
    sex: Annotated[
        str | None, typer.Option("--sex", metavar="SEX", help=SEX_HELP + REQUIRED)
    ] = None,
    injury_date: Annotated[
        str | None,
        typer.Option("--injury-date", metavar="YYYY-MM-DD", help="Date of injury." + REQUIRED),
    ] = None,
    mechanism: MechanismOption = None,
    vertebral_level: LevelOption = None,
    consent_date: ConsentOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Enrol a participant at a site (status: screening)."""
    required = {"--age": age, "--sex": sex, "--injury-date": injury_date}
    missing = [option for option, value in required.items() if value is None]
    if missing:
        fail([f"participant {study_id}: {', '.join(missing)} must be given"])
    data = _given(
        study_id=study_id,
        age_at_injury=age,
        sex=sex,
        injury_date=injury_date,
        mechanism=mechanism,
        vertebral_level=vertebral_level,
        consent_date=consent_date,
    )
    p = run(
        db,
        lambda d: participants.enrol(
            d, user=user_of(user), trial_code=trial, site_code=site, data=data
        ),
    )
    say(f"participant {p.study_id} added to trial {p.trial} at site {p.site} ({p.status.value})")


@app.command("update")
def update(
    study_id: StudyIdArgument,
    trial: TrialOption,
    age: AgeOption = None,
    sex: SexOption = None,
    injury_date: InjuryDateOption = None,
    mechanism: MechanismOption = None,
    vertebral_level: LevelOption = None,
    consent_date: ConsentOption = None,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Correct saved values of a participant (needs --reason)."""
    changes = _given(
        age_at_injury=age,
        sex=sex,
        injury_date=injury_date,
        mechanism=mechanism,
        vertebral_level=vertebral_level,
        consent_date=consent_date,
    )
    if not changes:
        fail([f"participant {study_id}: nothing to change (give --age, --sex, … )"])
    p = run(
        db,
        lambda d: participants.update_participant(
            d,
            user=user_of(user),
            trial_code=trial,
            study_id=study_id,
            changes=changes,
            reason=reason,
        ),
    )
    say(f"participant {p.study_id} saved (version {p.version})")


def _yes_no(study_id: str, value: str) -> bool:
    answer = value.strip().lower()
    if answer in ("yes", "y"):
        return True
    if answer in ("no", "n"):
        return False
    fail([f"eligibility of participant {study_id}: met: {value!r} is not yes or no"])


@app.command("eligibility")
def eligibility(
    study_id: StudyIdArgument,
    trial: TrialOption,
    criterion: Annotated[str, typer.Option("--criterion", help="The criterion, as worded.")],
    met: Annotated[str, typer.Option("--met", metavar="yes|no", help="Whether it is met.")],
    note: Annotated[str | None, typer.Option("--note", help="A note on the answer.")] = None,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Answer one criterion of the eligibility checklist. Changing an answer, or answering
    after screening, needs --reason."""
    data = {"criterion": criterion, "met": _yes_no(study_id, met), "note": note}
    run(
        db,
        lambda d: participants.record_eligibility(
            d, user=user_of(user), trial_code=trial, study_id=study_id, data=data, reason=reason
        ),
    )
    say(f"participant {study_id}: {criterion!r} {'met' if data['met'] else 'not met'}")


@app.command("status")
def status(
    study_id: StudyIdArgument,
    new_status: Annotated[str, typer.Argument(metavar="enrolled|completed", help="New status.")],
    trial: TrialOption,
    consent_date: Annotated[
        str | None,
        typer.Option(
            "--consent-date", metavar="YYYY-MM-DD", help="Date of consent, if not yet recorded."
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Move a participant to the next status.

    screening → enrolled (consent date and every eligibility criterion met), transplanted
    → completed. Transplanted is set by recording the transplant; withdrawn by
    'participant withdraw'.
    """
    p = run(
        db,
        lambda d: participants.change_status(
            d,
            user=user_of(user),
            trial_code=trial,
            study_id=study_id,
            status=new_status.strip().lower(),
            reason=reason,
            consent_date=consent_date,
        ),
    )
    say(f"participant {p.study_id} is now {p.status.value}")


@app.command("withdraw")
def withdraw(
    study_id: StudyIdArgument,
    trial: TrialOption,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the participant is withdrawn (required).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Withdraw a participant from the trial (final; needs --reason)."""
    p = run(
        db,
        lambda d: participants.withdraw(
            d, user=user_of(user), trial_code=trial, study_id=study_id, reason=reason
        ),
    )
    say(f"participant {p.study_id} withdrawn from trial {p.trial}")


def _date(value: object) -> str:
    return "-" if value is None else str(value)


@app.command("show")
def show(
    study_id: StudyIdArgument, trial: TrialOption, db: DbOption = None, user: UserOption = None
) -> None:
    """Show a participant.

    Profile, eligibility answers and status history.
    """
    p = run(
        db,
        lambda d: participants.show_participant(
            d, trial_code=trial, study_id=study_id, user=user_of(user)
        ),
    )
    for line in profile_lines(p):
        say(line)


def profile_lines(p: ParticipantView) -> list[str]:
    lines = [
        f"participant {p.study_id} of trial {p.trial}, site {p.site}",
        f"  status {p.status.value} (version {p.version})",
        f"  age at injury {p.age_at_injury}, sex {p.sex.value}",
        f"  injury {p.injury_date.isoformat()}, mechanism {p.mechanism or '-'}, "
        f"vertebral level {p.vertebral_level or '-'}",
        f"  consent {_date(p.consent_date)}",
    ]
    if p.withdrawal_reason:
        lines.append(f"  withdrawn: {p.withdrawal_reason}")
    lines.append("  eligibility:" if p.eligibility else "  eligibility: none answered")
    for answer in p.eligibility:
        note = f" ({answer.note})" if answer.note else ""
        lines.append(f"    [{'met' if answer.met else 'NOT met'}] {answer.criterion}{note}")
    lines.append("  status history:")
    for change in p.history:
        step = change.new if change.old is None else f"{change.old} → {change.new}"
        automatic = change.old is not None and change.reason == transition_text(
            change.old, change.new
        )
        why = f": {change.reason}" if change.reason and not automatic else ""
        at = change.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(f"    {at}  {step}  by {change.user}{why}")
    return lines


@app.command("list")
def list_(
    trial: TrialOption,
    site: Annotated[str | None, typer.Option("--site", help="Only this site.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """List the participants of a trial, by study id."""
    found = run(
        db,
        lambda d: participants.list_participants(
            d,
            trial_code=trial,
            site_code=site,
            status=status.strip().lower() if status else None,
            user=user_of(user),
        ),
    )
    if not found:
        say("no participants")
    for p in found:
        say(
            f"{p.study_id}  site {p.site}  {p.status.value}  age {p.age_at_injury}  "
            f"{p.sex.value}  injury {p.injury_date.isoformat()}  "
            f"level {p.vertebral_level or '-'}"
        )


app.command("timeline")(timeline.timeline)
