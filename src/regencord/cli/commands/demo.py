"""``regencord demo``: the synthetic demonstration trial, its report, and the honest
comparison with natural history, in one command (the job of ``make run``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from regencord.cli.followup import counted
from regencord.cli.options import DbOption, open_db, reported
from regencord.demo.build import DEMO_TRIAL_CODE, build_demo
from regencord.outcomes.analysis import TrialAnalysis
from regencord.outcomes.natural_history import NaturalHistoryOutcome
from regencord.outcomes.trajectory import Metric, score_text
from regencord.services.database import initialise
from regencord.services.reporting import write_report

DEFAULT_OUT = Path("regencord-demo")


def _table(analysis: TrialAnalysis) -> Table:
    table = Table(title="SYNTHETIC demo: baseline → last exam")
    for column in ("Participant", "NLI", "AIS", "UEMS", "LEMS", "WISCI II"):
        table.add_column(column, justify="left" if column in ("Participant", "AIS") else "right")
    for t in analysis.trajectories:
        base, last = t.baseline, t.latest
        if base is None or last is None:
            continue
        table.add_row(
            t.study_id,
            base.nli,
            f"{base.ais_text} → {last.ais_text}",
            *(
                f"{score_text(t.baseline_value(m))} → {score_text(t.latest_value(m))}"
                for m in (Metric.UEMS, Metric.LEMS, Metric.WISCI)
            ),
        )
    return table


def _comparison_lines(analysis: TrialAnalysis) -> list[str]:
    lines = []
    for eff in analysis.efficacy:
        for conv in eff.conversions:
            if conv.outcome is NaturalHistoryOutcome.TO_MOTOR_INCOMPLETE:
                lines += [cmp.sentence() for _, cmp in conv.comparisons]
    return lines


def demo(
    db: DbOption = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the report (and the demo database).")
    ] = DEFAULT_OUT,
) -> None:
    """Create the synthetic demo trial (modelled on the published design of the Keio 2025
    iPSC-derived NS/PC study: 4 participants, AIS A, week-52 follow-up), write its report to
    OUT/report.html and print the outcome with its natural-history comparison."""
    console = Console()
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    if db is None:
        path = out / "demo.db"
        for stale in (path, path.with_name("demo.db-wal"), path.with_name("demo.db-shm")):
            stale.unlink(missing_ok=True)  # the demo always starts from a fresh database
        db = f"sqlite:///{path}"
    database = open_db(db)
    try:
        with reported():
            initialise(database)
            built = build_demo(database)
            report = write_report(database, DEMO_TRIAL_CODE, user="demo", html=out / "report.html")
    finally:
        database.dispose()
    console.print(
        f"[bold]SYNTHETIC DATA[/bold]: trial {built.trial}, "
        f"{counted(built.participants, 'participant')}, {counted(built.exams, 'exam')}, "
        f"{counted(built.measures, 'measure')}, {counted(built.adverse_events, 'adverse event')} "
        "(generated; no real person)."
    )
    console.print(_table(report.analysis))
    for line in _comparison_lines(report.analysis):
        console.print(f"Natural history: {line}", highlight=False)
    console.print(
        f"Report: {report.html}  ({time.perf_counter() - started:.1f} s)", highlight=False
    )
