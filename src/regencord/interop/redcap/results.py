"""Writing the results of a classified REDCap export: a CSV of REDCap's identity columns
and the instrument's result fields, ready for REDCap's data import, and a CSV of the
stored results that differ from the fresh classification.

Result CSV: the identity columns the input has (``record_id``, ``redcap_event_name``,
``redcap_repeat_instrument``, ``redcap_repeat_instance``: REDCap's import needs the same
ones as its export) then the 25 result fields, in Praxis notation. Each distinct value is
CSV-quoted once; pyarrow takes every row's pieces at once from one string array.

Differences CSV: one row per differing field: the identity columns, ``field``, ``stored``
(as in the file), ``classified``. A stored value differs when, all whitespace removed, it
is not the fresh value; an empty stored value is not a difference (the row was never
classified) but is counted.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from regencord.interop.redcap.fields import RESULT_FIELDS
from regencord.interop.redcap.stream import RedcapBatch, RedcapExport
from regencord.isncsci.batch import BatchClassification, ExamBatch, classify_batch
from regencord.isncsci.batch.result import EncodedColumn

Classifier = Callable[[Iterable[ExamBatch]], Iterator[BatchClassification]]
"""Classifies batch after batch, results in order (the CLI may use a worker process)."""

Intp = npt.NDArray[np.intp]

_NEEDS_QUOTES = re.compile(r'[",\r\n]')
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RedcapClassified:
    """What classifying an export found."""

    rows: int
    """Exam rows classified."""
    differing_rows: int
    """Rows with a stored result that differs from the fresh one."""
    differing_fields: int
    unclassified_rows: int
    """Rows with no stored result at all."""


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES.search(text) else text


def _csv_field(column: pa.Array) -> pa.Array:
    """A string column as CSV fields (quoted where needed)."""
    needs = pc.match_substring_regex(column, r'[",\r\n]')
    if not pc.any(needs).as_py():
        return column
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, column)


def _rows(batch: RedcapBatch, fresh: dict[str, EncodedColumn], identity: list[str]) -> pa.Array:
    """The result CSV rows of a batch, one string each (with its line end). Every row's
    pieces are taken at once from one string array: first each result field's distinct
    values as fields, each after its comma (the last field's with the line end; fields
    that share their values share their pieces), then the identity columns (as fields,
    each but the first after its comma)."""
    texts: list[str] = []
    columns: list[tuple[Intp, int]] = []
    starts: dict[tuple[int, bool], int] = {}
    last = RESULT_FIELDS[-1][0]
    for name, _ in RESULT_FIELDS:
        column = fresh[name]
        key = (id(column.categories), name == last)
        if key not in starts:
            starts[key] = len(texts)
            end = "\n" if name == last else ""
            texts += ["," + _quoted(str(c)) + end for c in column.categories.tolist()]
        columns.append((column.codes.reshape(-1), starts[key]))
    n = len(batch.exams)
    pieces = [pa.array(texts, pa.large_string())]
    for k, name in enumerate(identity):
        field = _csv_field(batch.identity[name])
        if k:
            field = pc.binary_join_element_wise(",", field, "")
        pieces.append(field.cast(pa.large_string()))
    index = np.empty((n, len(identity) + len(columns)), np.int64)
    at = len(texts)
    for k in range(len(identity)):
        index[:, k] = np.arange(at, at + n)
        at += n
    for k, (codes, first) in enumerate(columns, len(identity)):
        np.add(codes, first, out=index[:, k], casting="unsafe")
    return pa.concat_arrays(pieces).take(pa.array(index.reshape(-1)))


class RedcapResultWriter:
    """Writes the results of batch after batch (see the module documentation)."""

    def __init__(self, out: TextIO, identity: list[str], differences: TextIO | None) -> None:
        self.out = out
        self.identity = identity
        self.differences = None if differences is None else csv.writer(differences)
        self.rows = self.differing_rows = self.differing_fields = self.unclassified = 0
        out.write(",".join([*identity, *(f for _, f in RESULT_FIELDS)]) + "\n")
        if self.differences is not None:
            self.differences.writerow([*identity, "field", "stored", "classified"])

    def write(self, batch: RedcapBatch, result: BatchClassification) -> None:
        fresh = result.encoded_columns()
        self.out.write(_joined(_rows(batch, fresh, self.identity)))
        self.rows += len(result)
        if batch.stored:
            self._compare(batch, fresh)

    def _compare(self, batch: RedcapBatch, fresh: dict[str, EncodedColumn]) -> None:
        n = len(batch.exams)
        differs = np.zeros((n, len(RESULT_FIELDS)), np.bool_)
        empty = np.ones(n, np.bool_)
        texts: dict[str, pa.Array] = {}
        for j, (name, field) in enumerate(RESULT_FIELDS):
            stored = batch.stored.get(field)
            if stored is None:
                continue
            column = fresh[name]
            texts[name] = pa.array(column.categories.tolist(), pa.string()).take(
                pa.array(column.codes.reshape(-1))
            )
            blank = pc.equal(stored, "").to_numpy(zero_copy_only=False)
            empty &= blank
            other = np.flatnonzero(~pc.equal(stored, texts[name]).to_numpy(zero_copy_only=False))
            if other.size:  # whitespace aside?
                at = pa.array(other)
                spaced = pc.replace_substring_regex(stored.take(at), r"\s+", "")
                same = pc.equal(spaced, texts[name].take(at)).to_numpy(zero_copy_only=False)
                differs[other[~same], j] = True
            differs[:, j] &= ~blank
        rows = np.flatnonzero(differs.any(axis=1))
        self.unclassified += int(empty.sum())
        self.differing_rows += rows.size
        self.differing_fields += int(differs.sum())
        if self.differences is None or not rows.size:
            return
        taken = pa.array(rows)
        keys = [batch.identity[k].take(taken).to_pylist() for k in self.identity]
        for i, row in enumerate(rows.tolist()):
            for j in np.flatnonzero(differs[row]).tolist():
                name, field = RESULT_FIELDS[j]
                stored_text = batch.stored[field][row].as_py()
                classified = texts[name][row].as_py()
                self.differences.writerow([*(k[i] for k in keys), field, stored_text, classified])

    def close(self) -> RedcapClassified:
        return RedcapClassified(
            rows=self.rows,
            differing_rows=self.differing_rows,
            differing_fields=self.differing_fields,
            unclassified_rows=self.unclassified,
        )


def _joined(lines: pa.Array) -> str:
    """The text of a large string array's values, one after the other (its data buffer)."""
    _, offsets_buffer, data = lines.buffers()
    if data is None or not len(lines):
        return ""
    offsets = np.frombuffer(offsets_buffer, np.int64, len(lines) + 1, lines.offset * 8)
    return str(memoryview(data)[offsets[0] : offsets[-1]], "utf-8")


def _here(batches: Iterable[ExamBatch]) -> Iterator[BatchClassification]:
    return (classify_batch(b) for b in batches)


def classify_export(
    export: RedcapExport,
    out: TextIO,
    differences: TextIO | None = None,
    *,
    classified: Classifier = _here,
    rows_per_batch: int | None = None,
) -> RedcapClassified:
    """Classify every exam row of ``export``, writing results (and differences) batch by
    batch; raises :class:`~regencord.interop.redcap.stream.InvalidRedcap` at the end if
    the file has problems (what was written must then be discarded)."""
    writer = RedcapResultWriter(out, export.identity, differences)
    waiting: deque[RedcapBatch] = deque()

    def exams() -> Iterator[ExamBatch]:
        batches = export.batches() if rows_per_batch is None else export.batches(rows_per_batch)
        for batch in batches:
            waiting.append(batch)
            yield batch.exams

    for result in classified(exams()):
        writer.write(waiting.popleft(), result)
    return writer.close()
