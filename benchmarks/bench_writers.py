"""Parallel writers: writes/s, conflicts retried and lost writes, on SQLite and PostgreSQL.

Each of ``--writers`` processes records ``--writes`` custom measures through the measures
service. ``--visits same`` (default): every writer walks the same visits in the same order,
so they race to create each visit; ``distinct``: each writer has its own participant.
A write refused as a conflict (a clear service error) is retried, up to 5 times, and
counted; any other exception is counted as a failure. After the run the database is
counted: every acknowledged write must be stored exactly once, with its audit rows.

    .venv/bin/python benchmarks/bench_writers.py [--backend sqlite|postgresql|both]
        [--writers 8] [--writes 25] [--runs 3] [--visits same|distinct]

PostgreSQL comes from $REGENCORD_TEST_DATABASE_URL (each run in a fresh schema, dropped after).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from regencord.services import measures, participants, trials
from regencord.services.database import initialise
from regencord.services.errors import Conflict, ServiceError
from regencord.store.chain import check_chain
from regencord.store.db import Database, database_url, make_engine
from regencord.store.models import AuditEntry, FunctionalMeasure, Visit

TRIAL = "BENCH-W"
USER = "bench"
INJURY = date(2024, 1, 1)
RETRIES = 5


@dataclass(frozen=True)
class Outcome:
    acknowledged: int
    retried: int
    failed: int
    refused: int
    errors: tuple[str, ...]
    """The kinds of raw errors met (exception class names)."""


def _connect(url: str, schema: str | None) -> Database:
    if schema is None:
        return Database(url)
    return Database(engine=make_engine(url, connect_args={"options": f"-csearch_path={schema}"}))


def _setup(url: str, schema: str | None, writers: int, writes: int) -> None:
    db = _connect(url, schema)
    try:
        initialise(db)
        trials.create_trial(db, user=USER, data={"code": TRIAL, "title": "Writers"})
        trials.add_site(db, user=USER, trial_code=TRIAL, data={"code": "S1", "name": "Site"})
        visits = [
            {"name": f"day {7 * i}", "anchor": "injury", "day": 7 * i, "window_before": 3,
             "window_after": 3}
            for i in range(1, writes + 1)
        ]  # fmt: skip
        trials.set_schedule(db, user=USER, trial_code=TRIAL, schedule={"visits": visits})
        for w in range(writers):
            participants.enrol(
                db,
                user=USER,
                trial_code=TRIAL,
                site_code="S1",
                data={"study_id": f"W{w:02d}", "age_at_injury": 30, "sex": "female",
                      "injury_date": INJURY},
            )  # fmt: skip
    finally:
        db.dispose()


def _writer(args: tuple[str, str | None, int, int, str, Any]) -> Outcome:
    url, schema, writer, writes, mode, start = args
    db = _connect(url, schema)
    study_id = "W00" if mode == "same" else f"W{writer:02d}"
    acknowledged = retried = failed = refused = 0
    errors: set[str] = set()
    start.wait()
    try:
        for i in range(1, writes + 1):
            for attempt in range(RETRIES + 1):
                try:
                    measures.add_measure(
                        db,
                        user=USER,
                        trial_code=TRIAL,
                        study_id=study_id,
                        visit=f"day {7 * i}",
                        kind="custom",
                        data={"name": f"w{writer}-{i}", "value": 1.0, "unit": "pts"},
                        measure_date=INJURY + timedelta(days=7 * i),
                    )
                    acknowledged += 1
                    break
                except Conflict:
                    if attempt == RETRIES:
                        refused += 1
                    else:
                        retried += 1
                except ServiceError:
                    refused += 1
                    break
                except Exception as error:
                    failed += 1
                    errors.add(type(error).__name__)
                    break
    finally:
        db.dispose()
    return Outcome(acknowledged, retried, failed, refused, tuple(sorted(errors)))


def _stored(url: str, schema: str | None) -> tuple[int, int, int, bool]:
    """Measures stored, measures with their audit rows, visits, audit chain intact."""
    db = _connect(url, schema)
    try:
        with db.transaction(user="(read)") as session:
            stored = session.scalar(select(func.count()).select_from(FunctionalMeasure)) or 0
            audited = session.scalar(
                select(func.count(AuditEntry.record_id.distinct())).where(
                    AuditEntry.table == "functional_measure", AuditEntry.action == "insert"
                )
            )
            visits = session.scalar(select(func.count()).select_from(Visit)) or 0
            intact = check_chain(session.connection()).problem is None
        return stored, audited or 0, visits, intact
    finally:
        db.dispose()


def run_once(backend: str, writers: int, writes: int, mode: str) -> dict[str, float]:
    schema = None
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'writers.db'}"
        else:
            url = database_url(os.environ["REGENCORD_TEST_DATABASE_URL"])
            schema = f"bench_w_{uuid.uuid4().hex[:10]}"
            admin = make_engine(url)
            with admin.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            _setup(url, schema, writers, writes)
            context = multiprocessing.get_context("fork")
            start = context.Manager().Event()
            with context.Pool(writers) as pool:
                jobs = [(url, schema, w, writes, mode, start) for w in range(writers)]
                pending = pool.map_async(_writer, jobs)
                time.sleep(0.5)  # every writer connected and waiting
                began = time.perf_counter()
                start.set()
                outcomes = pending.get()
                elapsed = time.perf_counter() - began
            stored, audited, visits, intact = _stored(url, schema)
        finally:
            if schema is not None:
                with admin.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()
    acknowledged = sum(o.acknowledged for o in outcomes)
    kinds = sorted({kind for o in outcomes for kind in o.errors})
    if kinds:
        print(f"{backend}: raw errors met: {', '.join(kinds)}")
    return {
        "attempted": writers * writes,
        "acknowledged": acknowledged,
        "stored": stored,
        "audited": audited,
        "visits": visits,
        "chain_intact": intact,
        "retried": sum(o.retried for o in outcomes),
        "refused": sum(o.refused for o in outcomes),
        "failed": sum(o.failed for o in outcomes),
        "lost": acknowledged - stored,
        "writes_per_s": acknowledged / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--writes", type=int, default=25)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--visits", choices=("same", "distinct"), default="same")
    args = parser.parse_args()
    print("command:", shlex.join([sys.executable, *sys.argv]))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "postgresql" and not os.environ.get("REGENCORD_TEST_DATABASE_URL"):
            print("postgresql: REGENCORD_TEST_DATABASE_URL not set, skipped")
            continue
        runs = [run_once(backend, args.writers, args.writes, args.visits) for _ in range(args.runs)]
        for number, run in enumerate(runs, 1):
            print(f"{backend} run {number}: " + ", ".join(f"{k}={v:g}" for k, v in run.items()))
        median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        print(
            f"{backend}: {args.writers} writers x {args.writes} writes ({args.visits} visits), "
            f"median of {args.runs}: {median['writes_per_s']:.1f} writes/s, "
            f"{median['retried']:g} conflicts retried, {median['failed']:g} failed "
            f"(raw errors), {median['refused']:g} refused, "
            f"{median['acknowledged'] - median['stored']:g} acknowledged but not stored"
        )


if __name__ == "__main__":
    main()
