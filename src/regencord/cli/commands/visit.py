"""``regencord visit …``: record visits of the schedule as done or missed, see their
window status, lock and unlock them."""

from __future__ import annotations

from typing import Annotated

import typer

from regencord.cli.followup import ParticipantOption, TrialOption, VisitOption, table
from regencord.cli.options import DbOption, ReasonOption, UserOption, run, say, user_of
from regencord.services import visits
from regencord.services.visits import VisitView, WindowStatus

app = typer.Typer(
    no_args_is_help=True, help="Visits of the schedule: done or missed, window status, locks."
)


def _where(v: VisitView) -> str:
    if v.status is WindowStatus.UNKNOWN:
        return f"{v.status.value} (no {v.anchor.value} date recorded)"
    if v.days_from_target is not None and v.window is not None:
        return f"{v.status.value} (day {v.days_from_target:+d} from target {v.window.target})"
    return str(v.status.value)


@app.command("record")
def record(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: VisitOption,
    date: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="Date of the visit.")],
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Record that a visit took place.

    Changing the date of a recorded visit needs --reason.
    """
    v = run(
        db,
        lambda d: visits.record_visit(
            d,
            user=user_of(user),
            trial_code=trial,
            study_id=participant,
            visit=visit,
            actual_date=date,
            reason=reason,
        ),
    )
    say(f"visit {v.visit} of {v.participant} recorded on {v.actual_date}: {_where(v)}")


@app.command("missed")
def missed(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: VisitOption,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the visit did not take place.", show_default=False)
    ],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record that a visit did not take place, and why."""
    v = run(
        db,
        lambda d: visits.mark_missed(
            d,
            user=user_of(user),
            trial_code=trial,
            study_id=participant,
            visit=visit,
            missed_reason=reason,
        ),
    )
    say(f"visit {v.visit} of {v.participant} marked missed: {v.missed_reason}")


@app.command("lock")
def lock(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: VisitOption,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Lock a visit with its exams and measures.

    Locked records refuse changes until the visit is unlocked.
    """
    who = user_of(user)
    v = run(
        db,
        lambda d: visits.lock_visit(
            d, user=who, trial_code=trial, study_id=participant, visit=visit, reason=reason
        ),
    )
    say(f"visit {v.visit} of {v.participant} locked by {v.locked_by}")


@app.command("unlock")
def unlock(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: VisitOption,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the visit is unlocked (required).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Unlock a visit (needs --reason)."""
    v = run(
        db,
        lambda d: visits.unlock_visit(
            d,
            user=user_of(user),
            trial_code=trial,
            study_id=participant,
            visit=visit,
            reason=reason,
        ),
    )
    say(f"visit {v.visit} of {v.participant} unlocked")


@app.command("delete")
def delete(
    trial: TrialOption,
    participant: ParticipantOption,
    visit: VisitOption,
    with_records: Annotated[
        bool,
        typer.Option("--with-records", help="Delete the visit's exams and measures with it."),
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Delete a visit recorded by mistake (needs --reason).

    The visit can be recorded again later, with a reason; its exams and measures are
    deleted with it only with --with-records, and stay deleted.
    """
    gone = run(
        db,
        lambda d: visits.delete_visit(
            d,
            user=user_of(user),
            trial_code=trial,
            study_id=participant,
            visit=visit,
            reason=reason,
            with_records=with_records,
        ),
        flags={"with_records": "--with-records"},
    )
    v = gone.visit
    with_them = [
        f"{label} {', '.join(map(str, ids))}"
        for label, ids in (("exam", gone.exams), ("measure", gone.measures))
        if ids
    ]
    extra = f" with {' and '.join(with_them)}" if with_them else ""
    say(f"visit {v.visit} of {v.participant} deleted{extra}")


@app.command("list")
def list_(
    trial: TrialOption,
    participant: ParticipantOption,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """List a participant's visits, with windows and status.

    Every visit of the schedule: target day, window, date, status, exams, measures, lock.
    """
    rows = run(
        db,
        lambda d: visits.list_visits(d, user=user_of(user), trial_code=trial, study_id=participant),
    )
    headers = ["Visit", "Day", "Target", "Window", "Date", "Status", "Exams", "Measures", "Locked"]
    lines = []
    for v in rows:
        window = f"{v.window.opens} .. {v.window.closes}" if v.window else "-"
        status = v.status.value
        if v.days_from_target is not None:
            status += f" ({v.days_from_target:+d}d)"
        if v.missed and v.missed_reason:
            status += f": {v.missed_reason}"
        lines.append(
            [
                v.visit,
                f"{v.anchor.value} {v.target_day:+d} (-{v.window_before}/+{v.window_after})",
                v.window.target if v.window else "-",
                window,
                f"{v.actual_date} (transplant)" if v.by_transplant else v.actual_date,
                status,
                v.exams,
                v.measures,
                f"by {v.locked_by}" if v.locked else "no",
            ]
        )
    say(f"visits of {participant} in trial {trial}")
    for line in table(headers, lines):
        say(line)
