"""Benchmark of the trial store: import of a whole-trial export, reclassification of every
stored exam, and loading one participant's timeline.

    .venv/bin/python benchmarks/bench_store.py [--participants 500] [--visits 10]
        [--timelines 50] [--seed 1] [--db-url URL] [--import-url URL] [--dir DIR]

Seeding (not timed): a trial with ``--visits`` injury-anchored visits, ``--participants``
participants, each visit done with a synthetic ISNCSCI exam
(:func:`regencord.isncsci.synthetic.generate_exams`), classified by the engine as
``record_exam`` does (``Exam.from_praxis`` → ``classify`` → ``summary_columns``), and a
WISCI II and 6-minute-walk measure validated by the measures service's pydantic inputs.
It goes through the ORM in transactions of 50 participants, so the audit trail is written
as in use (one row per set field). Then the trial is exported (timed, for information).

Timed:

* ``import`` of the export into an empty database (``--import-url``, default a new SQLite
  file), target < 20 s;
* ``reclassify_all`` on the seeded database, target < 5 s;
* the median of ``show_timeline`` over ``--timelines`` participants, target < 50 ms.

``--db-url`` seeds into that database instead of a new SQLite file (e.g. an empty
PostgreSQL database, ``postgresql://postgres@127.0.0.1:5432/bench``); it must be empty.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from regencord.isncsci import ENGINE_VERSION, Exam, classify
from regencord.isncsci.synthetic import generate_exams
from regencord.services import exams, trials
from regencord.services.measures import UNITS, SixMinuteWalkInput, WisciInput
from regencord.services.timeline import show_timeline
from regencord.services.transfer import export_trial, import_trial
from regencord.services.validation import validated
from regencord.store.db import Database
from regencord.store.migrate import upgrade
from regencord.store.models import (
    ExamRecord,
    FunctionalMeasure,
    MeasureKind,
    Participant,
    ParticipantStatus,
    Sex,
    Visit,
)

TRIAL = "BENCH-01"
USER = "bench"
INJURY = date(2023, 1, 1)
T = TypeVar("T")
TARGETS = {"import": 20.0, "reclassify_all": 5.0, "timeline (median)": 0.050}


def seed(db: Database, participants: int, visits: int, seed_value: int) -> int:
    trials.create_trial(db, user=USER, data={"code": TRIAL, "title": "Store benchmark"})
    trials.add_site(db, user=USER, trial_code=TRIAL, data={"code": "S01", "name": "Site"})
    days = [7 + 36 * i for i in range(visits)]
    schedule = {
        "visits": [
            {"name": f"v{i:02d}", "anchor": "injury", "day": d, "window_before": 3,
             "window_after": 7}
            for i, d in enumerate(days)
        ]
    }  # fmt: skip
    trials.set_schedule(db, user=USER, trial_code=TRIAL, schedule=schedule)
    raw = generate_exams(participants * visits, seed=seed_value)
    n = 0
    for start in range(0, participants, 50):
        with db.transaction(user=USER) as session:
            trial = trials.find_trial(session, TRIAL)
            scheduled = [v for v in trial.schedule if not v.deleted]
            for p in range(start, min(start + 50, participants)):
                participant = Participant(
                    trial=trial,
                    site=trial.sites[0],
                    study_id=f"P{p + 1:04d}",
                    age_at_injury=20 + p % 50,
                    sex=Sex.MALE if p % 3 else Sex.FEMALE,
                    injury_date=INJURY,
                    consent_date=INJURY + timedelta(days=2),
                    status=ParticipantStatus.ENROLLED,
                )
                session.add(participant)
                for i, sv in enumerate(scheduled):
                    on = INJURY + timedelta(days=sv.target_day + (p + i) % 5 - 2)
                    visit = Visit(participant=participant, scheduled=sv, actual_date=on)
                    exam = Exam.from_praxis(raw[n])
                    n += 1
                    classification = classify(exam).to_praxis()
                    classification.pop("id", None)
                    praxis = exam.to_praxis()
                    praxis.pop("id", None)
                    wisci = validated(WisciInput, {"value": (p + i) % 21}, "WISCI")
                    walk = validated(SixMinuteWalkInput, {"metres": 50.0 + p % 300}, "6MWT")
                    session.add_all(
                        [
                            visit,
                            ExamRecord(
                                visit=visit,
                                examiner="Dr. Bench",
                                exam_date=on,
                                raw=praxis,
                                classification=classification,
                                engine_version=ENGINE_VERSION,
                                **exams.summary_columns(classification),
                            ),
                            FunctionalMeasure(
                                visit=visit,
                                kind=MeasureKind.WISCI,
                                measure_date=on,
                                value=float(wisci.value),
                                unit=UNITS[MeasureKind.WISCI],
                            ),
                            FunctionalMeasure(
                                visit=visit,
                                kind=MeasureKind.SIX_MINUTE_WALK,
                                measure_date=on,
                                value=walk.metres,
                                unit=UNITS[MeasureKind.SIX_MINUTE_WALK],
                            ),
                        ]
                    )
    return n


def timed(label: str, results: dict[str, float], action: Callable[[], T]) -> T:
    start = time.perf_counter()
    out = action()
    results[label] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--visits", type=int, default=10)
    parser.add_argument("--timelines", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db-url", help="seed here (empty database) instead of a new SQLite file")
    parser.add_argument("--import-url", help="import here (empty) instead of a new SQLite file")
    parser.add_argument("--dir", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()

    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-store-"))
    work.mkdir(parents=True, exist_ok=True)
    source = Database(args.db_url or f"sqlite:///{work / 'source.db'}")
    target = Database(args.import_url or f"sqlite:///{work / 'imported.db'}")
    upgrade(source.engine)
    print(f"backend {source.engine.dialect.name}; working folder {work}")

    start = time.perf_counter()
    count = seed(source, args.participants, args.visits, args.seed)
    print(f"seeded {args.participants} participants, {count} visits with exams and 2 measures "
          f"each in {time.perf_counter() - start:.1f} s")  # fmt: skip

    results: dict[str, float] = {}
    report = timed(
        "export",
        results,
        lambda: export_trial(source, trial_code=TRIAL, folder=work / "export", user="reader"),
    )
    print(
        f"exported {report.rows} rows ("
        + ", ".join(f"{f.table} {f.rows}" for f in report.files if f.rows)
        + ")"
    )
    timed("import", results, lambda: import_trial(target, folder=work / "export", user="reader"))
    reclassified = timed("reclassify_all", results, lambda: exams.reclassify_all(source, user=USER))
    print(f"reclassify_all checked {reclassified.checked} exams")

    step = max(1, args.participants // args.timelines)
    ids = [f"P{p + 1:04d}" for p in range(0, args.participants, step)][: args.timelines]
    show_timeline(source, TRIAL, ids[0], user="reader")  # warm up
    samples = []
    for study_id in ids:
        start = time.perf_counter()
        show_timeline(source, TRIAL, study_id, user="reader")
        samples.append(time.perf_counter() - start)
    results["timeline (median)"] = statistics.median(samples)
    results["timeline (max)"] = max(samples)

    print()
    for label, seconds in results.items():
        target_s = TARGETS.get(label)
        verdict = ""
        if target_s is not None:
            verdict = f"  target < {target_s * 1000:.0f} ms" if target_s < 1 else (
                f"  target < {target_s:.0f} s")  # fmt: skip
            verdict += "  ok" if seconds < target_s else "  MISSED"
        shown = f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
        print(f"{label:<20} {shown:>10}{verdict}")
    source.dispose()
    target.dispose()


if __name__ == "__main__":
    main()
