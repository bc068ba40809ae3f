"""Classifying a whole file of exams, streamed: the library function behind
``regencord classify -o`` (and, later, the API's upload of a large CSV file).

:func:`classify_file` reads an exam file (:class:`~regencord.isncsci.reading.ExamSource`)
with the vectorized engine and writes each batch's results to a text stream as soon as it
is classified, so memory stays flat however long the file: a CSV file is read a batch of
exams at a time (:func:`~regencord.isncsci.batch.csv_io.iter_csv_batches`), a JSON file is
parsed whole and classified as one batch. A CSV file larger than
:data:`PIPELINE_MIN_BYTES` is classified in a second process while this one reads and
writes (a pipeline over two cores); the results are written in input order either way.

How far it has got is reported to a ``progress`` callback as ``(done, total)``: bytes of
a CSV file read so far, exams of a JSON file validated so far. The caller decides whether
and how to show it (the CLI draws a progress bar on a terminal).

Raises :class:`~regencord.isncsci.errors.InvalidExam`, with every problem of the input,
after writing the batches read before the problems were found: the caller discards what
was written (write into :func:`~regencord.isncsci.files.atomic_write`).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, Final, TextIO, cast

from regencord.isncsci.batch import engine
from regencord.isncsci.batch.csv_io import iter_csv_batches
from regencord.isncsci.batch.engine import classify_batch
from regencord.isncsci.batch.exam_batch import ExamBatch
from regencord.isncsci.batch.result import BatchClassification
from regencord.isncsci.batch.result_files import ResultWriter
from regencord.isncsci.files import FileFormat
from regencord.isncsci.reading import ExamSource

__all__ = [
    "PIPELINE_MIN_BYTES",
    "ROWS_PER_BATCH",
    "Progress",
    "classified",
    "classify_file",
    "worth_a_worker",
]

ROWS_PER_BATCH: Final = 65_536
"""Exams of a CSV file read, classified and written at a time by default. Smaller than the
reader's default: as fast end to end (the engine's working arrays stay in cache) with a
lower peak memory (see ``benchmarks/bench_csv_pipeline.py``)."""

PIPELINE_MIN_BYTES = 32 << 20
"""CSV inputs larger than this are classified in a second process while this one reads
and writes (a pipeline over two cores); smaller ones are not worth its start-up."""

Progress = Callable[[int, int], None]
"""Called with ``(done, total)``: bytes of a CSV file read, or exams of a JSON file."""


def classify_file(
    source: ExamSource,
    stream: TextIO,
    fmt: FileFormat,
    *,
    rows_per_batch: int = ROWS_PER_BATCH,
    progress: Progress | None = None,
) -> int:
    """Classify every exam of ``source`` with the vectorized engine, writing the results
    to ``stream`` in ``fmt`` a batch at a time; return how many (see the module
    documentation for problems and progress).

    (Reading and classifying the next batch in a worker thread while this one is written
    was measured: no gain, the formatting holds the GIL. pyarrow does parse ahead in a
    thread of the CSV reader's own.)"""
    writer = ResultWriter(stream, fmt)
    batches = _batches(source, rows_per_batch, progress or _ignore)
    results = classified(batches, in_worker=_large(source))
    for result in results:
        writer.write(result)
    return writer.close()


def _ignore(done: int, total: int) -> None:
    return None


def _large(source: ExamSource) -> bool:
    return source.format is FileFormat.CSV and worth_a_worker(source.path)


def worth_a_worker(path: Path) -> bool:
    """Whether a file is large enough (:data:`PIPELINE_MIN_BYTES`) for its batches to be
    classified in a second process (see :func:`classified`)."""
    try:
        return path.stat().st_size > PIPELINE_MIN_BYTES
    except OSError:
        return False


def classified(batches: Iterable[ExamBatch], *, in_worker: bool) -> Iterator[BatchClassification]:
    """The results of ``batches``, in order: classified here, or (``in_worker``) in a
    second process while the caller reads the next batches and writes the results of the
    earlier ones (the batches read before the worker has started are classified here).
    Used by :func:`classify_file` and by the REDCap export's classification."""
    return _classified_in_worker(batches) if in_worker else _classified(batches)


def _batches(source: ExamSource, rows_per_batch: int, progress: Progress) -> Iterator[ExamBatch]:
    """The exams of ``source``: a CSV file a batch at a time, a JSON file as one batch."""
    if source.format is FileFormat.CSV:
        try:
            size = source.path.stat().st_size
        except OSError:
            size = 0  # the reader reports it
        yield from iter_csv_batches(
            source.path, rows_per_batch=rows_per_batch, progress=lambda done: progress(done, size)
        )
        return
    items = source.json_items()
    exams = cast(Sequence[Mapping[str, Any]], items)
    yield ExamBatch.from_praxis(_counted(exams, len(items), progress))


def _counted(items: Iterable[Any], total: int, progress: Progress) -> Iterator[Any]:
    for done, item in enumerate(items, 1):
        yield item
        progress(done, total)


def _classified(batches: Iterable[ExamBatch], first: int = 1) -> Iterator[BatchClassification]:
    """The results of ``batches`` (exams numbered from ``first``), classified here."""
    for batch in batches:
        if len(batch):
            try:
                result = classify_batch(batch)
            except Exception as e:
                e.add_note(f"while classifying exams {first} to {first + len(batch) - 1}")
                raise
            yield result
            first += len(batch)


def _classified_in_worker(batches: Iterable[ExamBatch]) -> Iterator[BatchClassification]:
    """Like :func:`_classified`, with ``classify_batch`` in a worker process: the next
    batches are read (here) while earlier ones are classified (there), results in order.

    The worker takes a while to start (it imports the program's main module: with the
    ``regencord`` script, the whole command line, over a second); the batches read until
    then are classified here."""
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        started = pool.submit(int)  # done once the worker runs
        pending: deque[tuple[int, tuple[str | None, ...], Future[BatchClassification]]] = deque()
        first = 1
        for batch in batches:
            if not len(batch):
                continue
            if pending or _worker_started(started):
                # The ids stay here: only the cell arrays cross to the worker and back.
                # The engine's function is sent by name.
                exams = replace(batch, ids=(None,) * len(batch))
                job = pool.submit(engine.classify_batch, exams)
                pending.append((first, batch.ids, job))
            else:
                yield from _classified([batch], first)
            first += len(batch)
            while len(pending) > 2:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())


def _worker_started(started: Future[int]) -> bool:
    """Whether the worker process has run its first job ``started``."""
    return started.done()


def _result(
    first: int, ids: tuple[str | None, ...], future: Future[BatchClassification]
) -> BatchClassification:
    try:
        result = future.result()
    except Exception as e:
        e.add_note(f"while classifying exams {first} to {first + len(ids) - 1}")
        raise
    result.ids = ids
    return result
