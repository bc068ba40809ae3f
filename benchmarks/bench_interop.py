"""Benchmark of the SDTM-style and FHIR exports of a generated 500-participant trial.

    .venv/bin/python benchmarks/bench_interop.py [--participants 500] [--visits 10]
        [--repeats 3]

Seeding (not timed): the report benchmark's trial (``bench_report``: every participant
with ``--visits`` visits, each with a synthetic ISNCSCI exam, a WISCI II and a 6-minute
walk; a transplant, three adverse events and two MRI scans each).

Timed, ``--repeats`` times (median printed): ``export_sdtm`` (read the trial, build every
dataset, write CSV, XPT v5, define.json and define.html) and ``export_fhir`` (read the
trial, build and write the Bundle).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench_report import add_treatment_and_safety
from bench_store import TRIAL, seed
from regencord.services.interop_export import export_fhir, export_sdtm
from regencord.store.db import Database
from regencord.store.migrate import upgrade


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--visits", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = Database(f"sqlite:///{root / 'bench.db'}")
        upgrade(db.engine)
        exams = seed(db, args.participants, args.visits, 1)
        add_treatment_and_safety(db)
        print(f"seeded {args.participants} participants, {exams} exams")
        sdtm_times, fhir_times = [], []
        for _ in range(args.repeats):
            shutil.rmtree(root / "sdtm", ignore_errors=True)
            started = time.perf_counter()
            sdtm = export_sdtm(db, TRIAL, root / "sdtm", user="reader")
            sdtm_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            fhir = export_fhir(db, TRIAL, root / "bundle.json", user="reader")
            fhir_times.append(time.perf_counter() - started)
        size = sum(p.stat().st_size for p in sdtm.files) / 2**20
        rows = sum(sdtm.records.values())
        print(f"SDTM ({rows} records, {len(sdtm.files)} files, {size:.1f} MiB): "
              + ", ".join(f"{t:.2f} s" for t in sdtm_times)
              + f"; median {statistics.median(sdtm_times):.2f} s")  # fmt: skip
        entries = sum(fhir.resources.values())
        size = fhir.path.stat().st_size / 2**20
        print(f"FHIR ({entries} resources, {size:.1f} MiB): "
              + ", ".join(f"{t:.2f} s" for t in fhir_times)
              + f"; median {statistics.median(fhir_times):.2f} s")  # fmt: skip
        db.dispose()


if __name__ == "__main__":
    main()
