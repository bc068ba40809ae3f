"""Parallel writers in real processes, on each backend: writers racing to create the same
visit, and writers on distinct visits. Every acknowledged write is stored exactly once,
with its audit rows, the audit chain stays one chain, and no raw error escapes."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from regencord.isncsci.synthetic import generate_exams
from regencord.services import exams, measures
from regencord.services.errors import ServiceError
from regencord.store.chain import check_chain
from regencord.store.db import Database
from regencord.store.models import ExamRecord, FunctionalMeasure, Visit
from tests.services.followup_data import INJURY, TRIAL, USER, audit_rows, cli_url, setup_trial

WRITERS = 6
VISITS = {"baseline": 7, "week 12": 84}


def _write(url: str, writer: int, study_id: str, start: Any, results: Any) -> None:
    """One writer process: a custom measure at each visit; reports what was acknowledged."""
    db = Database(url)
    done, errors = [], []
    start.wait()
    try:
        for visit, day in VISITS.items():
            name = f"w{writer} {visit}"
            try:
                measures.add_measure(
                    db, user=f"writer{writer}", trial_code=TRIAL, study_id=study_id,
                    visit=visit, kind="custom", data={"name": name, "value": 1.0},
                    measure_date=INJURY + timedelta(days=day),
                )  # fmt: skip
                done.append(name)
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}")
    finally:
        db.dispose()
    results.put((done, errors))


def _race(db: Database, study_ids: list[str]) -> tuple[list[str], list[str]]:
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    url = cli_url(db)
    processes = [
        context.Process(target=_write, args=(url, w, study_ids[w], start, results))
        for w in range(WRITERS)
    ]
    for process in processes:
        process.start()
    start.set()
    outcomes = [results.get(timeout=240) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return [n for done, _ in outcomes for n in done], [e for _, e in outcomes for e in e]


def _stored(db: Database) -> dict[str, int]:
    with db.transaction(user="reader") as session:
        rows = session.execute(select(FunctionalMeasure.name, FunctionalMeasure.id)).all()
    return {str(name): record_id for name, record_id in rows}


def _check(db: Database, acknowledged: list[str], visits: int) -> None:
    stored = _stored(db)
    assert sorted(stored) == sorted(acknowledged)  # each once: names are unique
    for record_id in stored.values():
        assert audit_rows(db, "functional_measure", record_id, action="insert")
    with db.transaction(user="reader") as session:
        assert len(session.scalars(select(Visit)).all()) == visits
        assert check_chain(session.connection()).problem is None


def test_writers_creating_the_same_visit(db: Database) -> None:
    setup_trial(db, ("P01",))
    acknowledged, errors = _race(db, ["P01"] * WRITERS)
    assert errors == []
    assert len(acknowledged) == WRITERS * len(VISITS)
    _check(db, acknowledged, visits=len(VISITS))


def test_writers_on_distinct_visits(db: Database) -> None:
    participants = [f"P{w:02d}" for w in range(WRITERS)]
    setup_trial(db, tuple(participants))
    acknowledged, errors = _race(db, participants)
    assert errors == []
    assert len(acknowledged) == WRITERS * len(VISITS)
    _check(db, acknowledged, visits=WRITERS * len(VISITS))


def test_parallel_cli_writers_creating_the_same_visit(db: Database) -> None:
    """The issue's reproduction: `measure add` processes racing on one new visit."""
    setup_trial(db, ("P01",))
    url = cli_url(db)
    command = [sys.executable, "-m", "regencord.cli", "measure", "add", "--trial", TRIAL,
               "--participant", "P01", "--visit", "week 12", "--kind", "custom",
               "--value", "1", "--unit", "pts", "--date", "2024-03-25", "--db", url]  # fmt: skip
    env = os.environ | {"REGENCORD_USER": USER}
    processes = [
        subprocess.Popen(
            [*command, "--name", f"r{w}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(4)
    ]
    outputs = [(p.wait(timeout=240), *p.communicate()) for p in processes]
    for code, out, err in outputs:
        assert code == 0, err
        assert "Traceback" not in out + err
    _check(db, [f"r{w}" for w in range(4)], visits=1)


def _exam(url: str, writer: int, start: Any, results: Any) -> None:
    """One writer process recording an exam at a visit not yet recorded."""
    db = Database(url)
    start.wait()
    try:
        exams.record_exam(
            db, user=f"writer{writer}", trial_code=TRIAL, study_id="P01", visit="baseline",
            exam=generate_exams(1, seed=writer)[0], exam_date=INJURY + timedelta(days=7),
        )  # fmt: skip
        results.put("stored")
    except ServiceError as error:
        results.put(f"refused: {error}")
    except Exception as error:  # a raw error is what the test must not see
        results.put(f"raw {type(error).__name__}: {error}")
    finally:
        db.dispose()


def test_writers_recording_an_exam_at_the_same_new_visit(db: Database) -> None:
    """A visit holds one exam: one writer stores it, the others are told why not."""
    setup_trial(db, ("P01",))
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=_exam, args=(cli_url(db), w, start, results)) for w in range(4)
    ]
    for process in processes:
        process.start()
    start.set()
    outcomes = sorted(results.get(timeout=240) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    assert outcomes[-1] == "stored" and outcomes.count("stored") == 1, outcomes
    assert all(o.startswith("refused: ") for o in outcomes[:-1]), outcomes
    with db.transaction(user="reader") as session:
        assert len(session.scalars(select(Visit)).all()) == 1
        assert len(session.scalars(select(ExamRecord)).all()) == 1
        assert check_chain(session.connection()).problem is None
