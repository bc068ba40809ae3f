"""``regencord participant timeline``: everything about one participant, in date order."""

from __future__ import annotations

from typing import Annotated

import typer

from regencord.cli.followup import TrialOption
from regencord.cli.options import DbOption, UserOption, run, say, user_of
from regencord.services.timeline import Timeline, show_timeline


def lines_of(t: Timeline) -> list[str]:
    """The timeline as text: a header, then one line per event with its details indented."""
    transplanted = (
        f"; transplanted {t.transplant.transplant_date}" if t.transplant is not None else ""
    )
    out = [
        f"participant {t.study_id} of trial {t.trial} (site {t.site}): {t.status}",
        f"  {t.sex}, {t.age_at_injury} years at injury; injury {t.injury_date}"
        f" ({t.vertebral_level or 'level not recorded'}); consent {t.consent_date or '-'}"
        f"{transplanted}",
        f"  window status as of {t.as_of}",
    ]
    for event in t.events():
        when = event.when.isoformat() if event.when is not None else "(no date)"
        out.append(f"{when}  {event.text}")
        out += [f"{'':10}    {d}" for d in event.detail]
    return out


def timeline(
    study_id: Annotated[str, typer.Argument(help="The participant's study id.")],
    trial: TrialOption,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Everything about one participant, in date order.

    Visits (window status, exams, measures), transplant and lot, adverse events, imaging,
    rehabilitation.
    """
    t = run(db, lambda d: show_timeline(d, trial, study_id, user=user_of(user)))
    for line in lines_of(t):
        say(line)
