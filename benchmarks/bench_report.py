"""Benchmark of the trial report: time to report a generated 500-participant trial.

    .venv/bin/python benchmarks/bench_report.py [--participants 500] [--visits 10]
        [--repeats 3] [--pdf]

Seeding (not timed): the store benchmark's trial (``bench_store.seed``: every participant
with ``--visits`` visits, each with a synthetic ISNCSCI exam, a WISCI II and a 6-minute
walk), then per participant a transplant of one released lot (7 QC results), three adverse
events (one serious) and two MRI scans, written through the ORM.

Timed, ``--repeats`` times (median printed): ``write_report`` — load the whole trial from
SQLite, analyse it (trajectories, responders, natural-history comparisons, prognosis,
safety) and render the self-contained HTML page (figures included). Target: < 10 s.
``--pdf`` also times the PDF (WeasyPrint), for information.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bench_store import INJURY, TRIAL, USER, seed
from regencord.services.reporting import write_report
from regencord.store.db import Database
from regencord.store.migrate import upgrade
from regencord.store.models import (
    AdverseEvent,
    AeResolution,
    CellLine,
    ImagingFinding,
    Lot,
    LotDecision,
    Modality,
    Participant,
    ParticipantStatus,
    QcResult,
    Relatedness,
    ReleaseDecision,
    Transplant,
)

TARGET_S = 10.0
ASSAYS = (
    "viability",
    "cell_count",
    "sterility",
    "mycoplasma",
    "endotoxin",
    "karyotype",
    "undifferentiated_marker",
)


def add_treatment_and_safety(db: Database) -> None:
    with db.transaction(user=USER, reason="benchmark: transplanted") as session:
        line = CellLine(line_id="BENCH-LINE", source="HLA-homozygous iPS stock")
        lot = Lot(
            lot_id="BENCH-LOT",
            line=line,
            passage=12,
            manufactured_on=INJURY - timedelta(days=60),
            expires_on=INJURY + timedelta(days=300),
        )
        tested = INJURY - timedelta(days=50)
        session.add_all([line, lot])
        session.add_all(
            QcResult(lot=lot, assay=a, value=1.0, spec_min=0.5, tested_on=tested) for a in ASSAYS
        )
        session.add(
            ReleaseDecision(
                lot=lot,
                decision=LotDecision.RELEASED,
                decided_by="QA",
                decided_on=INJURY - timedelta(days=40),
            )
        )
        people = session.scalars(select(Participant).order_by(Participant.study_id)).all()
        for i, p in enumerate(people):
            p.status = ParticipantStatus.TRANSPLANTED
            on = INJURY + timedelta(days=14 + i % 15)
            session.add(
                Transplant(
                    participant=p,
                    lot=lot,
                    transplant_date=on,
                    dose_cells=2_000_000,
                    volume_ul=40.0,
                    injection_sites="C4, C5",
                    surgeon="Dr. Bench",
                )
            )
            for k, (term, grade, serious) in enumerate(
                (("pain", 1, False), ("urinary tract infection", 2, False), ("pneumonia", 3, True))
            ):
                session.add(
                    AdverseEvent(
                        participant=p,
                        term=term,
                        onset_date=on + timedelta(days=5 + 40 * k),
                        resolution_date=on + timedelta(days=15 + 40 * k),
                        ctcae_grade=grade,
                        serious=serious,
                        related_to_cells=Relatedness.UNLIKELY,
                        related_to_surgery=Relatedness.POSSIBLE
                        if k == 0
                        else Relatedness.UNRELATED,
                        related_to_immunosuppression=Relatedness.UNRELATED,
                        outcome=AeResolution.RECOVERED,
                    )
                )
            for week in (24, 52):
                session.add(
                    ImagingFinding(
                        participant=p,
                        imaging_date=on + timedelta(weeks=week),
                        modality=Modality.MRI,
                        finding="no mass at the graft site",
                    )
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--visits", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(db.engine)
        exams = seed(db, args.participants, args.visits, 1)
        add_treatment_and_safety(db)
        print(f"seeded {args.participants} participants, {exams} exams")
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            summary = write_report(db, TRIAL, html=Path(folder) / "report.html", user="reader")
            times.append(time.perf_counter() - started)
        size = summary.html.stat().st_size / 2**20
        median = statistics.median(times)
        verdict = "meets" if median < TARGET_S else "MISSES"
        print(f"report (HTML, {size:.1f} MiB): " + ", ".join(f"{t:.2f} s" for t in times))
        print(f"median {median:.2f} s; target < {TARGET_S:g} s: {verdict}")
        if args.pdf:
            started = time.perf_counter()
            write_report(
                db,
                TRIAL,
                html=Path(folder) / "r.html",
                pdf=Path(folder) / "report.pdf",
                user="reader",
            )
            print(f"report with PDF: {time.perf_counter() - started:.2f} s")
        db.dispose()


if __name__ == "__main__":
    main()
