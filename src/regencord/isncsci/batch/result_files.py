"""Result files out, vectorized: :func:`write_results_csv` and :func:`write_results_json`
write a :class:`BatchClassification` exactly as :func:`regencord.isncsci.writing.write_results`
writes the same results: each distinct value is formatted (CSV-quoted or JSON-encoded) once.
A CSV row's pieces (its id, then a field per column) are taken by pyarrow from one string
array of the ids and those fields, every row's at once: the result's bytes are the rows.
JSON items are joined in Python. :class:`ResultWriter` writes batch after batch into one
file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final, TextIO, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from regencord.isncsci.batch.result import BatchClassification, EncodedColumn
from regencord.isncsci.classification import classify
from regencord.isncsci.columns import RESULT_COLUMNS, RESULT_CSV_COLUMNS
from regencord.isncsci.exam import Exam
from regencord.isncsci.files import FileFormat
from regencord.isncsci.levels import DERMATOMES, MYOTOMES

__all__ = ["ResultWriter", "write_results_csv", "write_results_json"]

Intp = npt.NDArray[np.intp]


@lru_cache(maxsize=1 << 16)
def _csv_field(value: str) -> str:
    """``value`` as a field of a row written by :mod:`csv` (quoted when needed)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["", value])
    return out.getvalue()[1:-1]


@lru_cache(maxsize=1 << 16)
def _csv_next_field(value: str) -> str:
    return "," + _csv_field(value)


_CSV_SPECIAL = re.compile(r'[",\r\n]')


def _csv_ids(ids: Sequence[str | None]) -> list[str]:
    texts = ["" if i is None else i for i in ids]
    if _CSV_SPECIAL.search("".join(texts)) is None:
        return texts
    return [_csv_field(t) if _CSV_SPECIAL.search(t) else t for t in texts]


def _used(codes: Intp, k: int) -> tuple[Intp, Intp]:
    """The codes (of ``k``) that occur, and each element's position among them."""
    used = np.flatnonzero(np.bincount(codes.reshape(-1), minlength=k))
    position = np.zeros(k, np.intp)
    position[used] = np.arange(used.size)
    return used, position[codes]


def _decorated(column: EncodedColumn, format: Callable[[str], str]) -> EncodedColumn:
    """The column with only the strings it uses, each passed through ``format``."""
    used, codes = _used(column.codes, len(column.categories))
    categories = [format(c) for c in column.categories[used].tolist()]
    return EncodedColumn(np.array(categories, dtype=object), codes)


_MERGED_KEYS: Final = 1 << 20


def _merged(columns: list[EncodedColumn], n: int) -> list[EncodedColumn]:
    """Neighbouring columns joined into one while their used combinations stay few (at
    most an eighth of the rows), so that each row is joined from fewer pieces."""
    budget = max(1024, n // 8)
    groups: list[EncodedColumn] = []
    for column in columns:
        if groups:
            last, k = groups[-1], len(column.categories)
            if len(last.categories) * k <= _MERGED_KEYS:
                used, codes = _used(last.codes * k + column.codes, len(last.categories) * k)
                if used.size <= budget:
                    strings = last.categories[used // k] + column.categories[used % k]
                    groups[-1] = EncodedColumn(strings, codes)
                    continue
        groups.append(column)
    return groups


_ROWS_PER_WRITE: Final = 8192


def _write_rows(stream: TextIO, heads: list[str], columns: list[EncodedColumn]) -> None:
    """Write rows: row ``i`` is ``heads[i]`` followed by the string of each column at
    ``i``. Joined and written a few thousand rows at a time (a bounded piece of text)."""
    if not heads:
        return
    parts = [group.strings().tolist() for group in _merged(columns, len(heads))]
    for start in range(0, len(heads), _ROWS_PER_WRITE):
        piece = slice(start, start + _ROWS_PER_WRITE)
        rows = zip(heads[piece], *(p[piece] for p in parts), strict=True)
        stream.write("".join(map("".join, rows)))


def write_results_csv(result: BatchClassification, stream: TextIO, *, header: bool) -> int:
    """Write ``result`` as rows of a result CSV file (after the header row if ``header``),
    as :func:`regencord.isncsci.io.write_results` would; return how many rows."""
    if header:
        stream.write(",".join(RESULT_CSV_COLUMNS) + "\n")
    pieces, columns = _csv_pieces(result)
    for start in range(0, len(result), _ROWS_PER_WRITE):
        rows = slice(start, start + _ROWS_PER_WRITE)
        stream.write(_csv_rows(result.ids[rows], pieces, [(c[rows], at) for c, at in columns]))
    return len(result)


_Positions = tuple[Intp, int]
"""Where a column's pieces of text are: a code per row, and where its pieces begin."""


def _csv_pieces(result: BatchClassification) -> tuple[pa.Array, list[_Positions]]:
    """What follows the id in each result CSV row, as pieces of text: each result column's
    distinct values as fields, each after its comma (the last column's with the line end),
    all in one string array; and where each column's pieces are in it. Columns that share
    their values (the right and left sides) share their pieces."""
    encoded = result.encoded_columns()
    texts: list[str] = []
    columns: list[_Positions] = []
    starts: dict[tuple[int, bool], int] = {}
    last = RESULT_COLUMNS[-1][0]
    for name, _ in RESULT_COLUMNS:
        column = encoded[name]
        key = (id(column.categories), name == last)
        if key not in starts:
            starts[key] = len(texts)
            end = "\n" if name == last else ""
            texts += [_csv_next_field(value) + end for value in column.categories.tolist()]
        columns.append((column.codes, starts[key]))
    return pa.array(texts, pa.large_string()), columns


def _csv_rows(ids: Sequence[str | None], pieces: pa.Array, columns: list[_Positions]) -> str:
    """The result CSV rows of exams ``ids`` (the pieces of each row given by ``columns``):
    every row's id and pieces taken at once, end to end, from one string array."""
    n = len(ids)
    heads = pa.array(_csv_ids(ids), pa.large_string())
    index = np.empty((n, 1 + len(columns)), np.int32)
    index[:, 0] = np.arange(len(pieces), len(pieces) + n)
    for k, (codes, at) in enumerate(columns, 1):
        np.add(codes, at, out=index[:, k], casting="unsafe")
    rows = pa.concat_arrays([pieces, heads]).take(index.reshape(-1))
    return _joined(rows)


def _joined(strings: pa.Array) -> str:
    """The values of a large string array, end to end."""
    _, offsets_buffer, data = strings.buffers()
    if data is None or not len(strings):
        return ""
    offsets = np.frombuffer(
        offsets_buffer, dtype=np.int64, count=len(strings) + 1, offset=strings.offset * 8
    )
    return str(memoryview(data)[offsets[0] : offsets[-1]], "utf-8")


@dataclass(frozen=True)
class _JsonTemplate:
    """The text of one result in a JSON result array, as constant pieces between values."""

    with_id: tuple[str, str]
    """What comes before and after the JSON-encoded id."""
    without_id: str
    """What comes first when there is no id."""
    columns: tuple[str, ...]
    """The result columns whose values come next, in order."""
    pieces: tuple[str, ...]
    """What comes after each of them."""


@cache
def _json_template() -> _JsonTemplate:
    """Made from a real result's ``to_praxis()``, its values replaced by markers, formatted
    as :func:`regencord.isncsci.io.write_results` formats each object."""
    normal = {
        side: {
            "motor": dict.fromkeys((lv.name for lv in MYOTOMES), "5"),
            "lightTouch": dict.fromkeys((lv.name for lv in DERMATOMES), "2"),
            "pinPrick": dict.fromkeys((lv.name for lv in DERMATOMES), "2"),
        }
        for side in ("right", "left")
    } | {"voluntaryAnalContraction": "Yes", "deepAnalPressure": "Yes"}
    praxis = classify(Exam.from_praxis(normal)).to_praxis()
    for name, path in RESULT_COLUMNS:
        target = praxis
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = f"@@{name}@@"

    def split(item: dict[str, Any]) -> list[str]:
        text = textwrap.indent(json.dumps(item, indent=2, ensure_ascii=False), "  ")
        return re.split(r'"@@(\w+)@@"', text)

    plain = split(praxis)
    with_id = split({"id": "@@id@@", **praxis})
    if with_id[1] != "id" or with_id[3:] != plain[1:]:  # pragma: no cover - a bug
        raise AssertionError("the id is not the first field of a JSON result")
    return _JsonTemplate(
        with_id=(with_id[0], with_id[2]),
        without_id=plain[0],
        columns=tuple(plain[1::2]),
        pieces=tuple(plain[2::2]),
    )


_json_string: Callable[[str], str] = json.encoder.encode_basestring
"""A string as JSON, as ``json.dumps(value, ensure_ascii=False)`` writes it (the function
it calls), without making an encoder each time."""


@lru_cache(maxsize=1 << 16)
def _json_value_and(value: str, piece: str) -> str:
    return _json_string(value) + piece


def _json_value_then(piece: str) -> Callable[[str], str]:
    return lambda value: _json_value_and(value, piece)


def write_results_json(result: BatchClassification, stream: TextIO, *, first: bool) -> int:
    """Write ``result`` as items of a JSON result array, as
    :func:`regencord.isncsci.io.write_results` would: ``first`` when no item precedes them
    (the caller writes the brackets; see :class:`ResultWriter`). Return how many items."""
    template = _json_template()
    encoded = result.encoded_columns()
    columns = [
        _decorated(encoded[name], _json_value_then(piece))
        for name, piece in zip(template.columns, template.pieces, strict=True)
    ]
    before, after = ",\n" + template.with_id[0], template.with_id[1]
    if None in result.ids:
        plain = ",\n" + template.without_id
        heads = [plain if i is None else before + _json_string(i) + after for i in result.ids]
    else:
        ids = cast(tuple[str, ...], result.ids)
        heads = [before + text + after for text in map(_json_string, ids)]
    if first and heads:
        heads[0] = "\n" + heads[0][2:]
    _write_rows(stream, heads, columns)
    return len(result)


class ResultWriter:
    """Writes the results of batch after batch to one stream, in one format: the same
    bytes as :func:`regencord.isncsci.io.write_results` writes for all of them."""

    def __init__(self, stream: TextIO, format: FileFormat) -> None:
        self.stream = stream
        self.format = format
        self.count = 0
        if format is FileFormat.JSON:
            stream.write("[")
        else:
            stream.write(",".join(RESULT_CSV_COLUMNS) + "\n")

    def write(self, result: BatchClassification) -> int:
        """Write the results of one batch; return how many."""
        if self.format is FileFormat.JSON:
            n = write_results_json(result, self.stream, first=self.count == 0)
        else:
            n = write_results_csv(result, self.stream, header=False)
        self.count += n
        return n

    def close(self) -> int:
        """Finish the file (the JSON array's end); return how many results were written."""
        if self.format is FileFormat.JSON:
            self.stream.write("\n]\n" if self.count else "]\n")
        return self.count
