"""Value codes of exam CSV columns, in bulk: a string column (pyarrow) mapped to the code of
each value by the scalar engine's own rules.

A value of one byte is looked up in a 256-entry table, one of two to four bytes by binary
search among the tokens a worksheet usually holds (``NT``, ``3*``, ``Yes``, ``C8``...); any
other value is parsed once per distinct value by the rules
(:func:`~regencord.isncsci.cells.parse_cell`,
:meth:`AnalFunction.parse <regencord.isncsci.cells.AnalFunction.parse>`,
:func:`~regencord.isncsci.exam.parse_non_key_muscle`). Every table entry is itself made by
those rules, so a reader built on :class:`Tokens` accepts exactly what the scalar reader
accepts. Used by the exam CSV reader (:mod:`regencord.isncsci.batch.csv_io`) and the REDCap
stream (:mod:`regencord.interop.redcap.stream`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from regencord.isncsci.batch.codes import ANAL, encode
from regencord.isncsci.cells import AnalFunction, CellKind, parse_cell
from regencord.isncsci.exam import (
    invalid_anal_message,
    invalid_cell_message,
    invalid_non_key_muscle_message,
    parse_non_key_muscle,
)
from regencord.isncsci.levels import NON_KEY_MUSCLE_LEVELS

__all__ = [
    "ASCII_SPACE",
    "EMPTY_CODE",
    "INVALID_CODE",
    "NO_MUSCLE_CODE",
    "PROBLEM_CODE",
    "Tokens",
    "anal_tokens",
    "cell_tokens",
    "muscle_tokens",
    "pack",
    "packed",
    "string_buffers",
]

U8 = npt.NDArray[np.uint8]
I32 = npt.NDArray[np.int32]
Intp = npt.NDArray[np.intp]

# Codes of values that are not a cell, VAC/DAP or non-key muscle code (all of those < 64).
NO_MUSCLE_CODE: Final = 250
"""An empty non-key muscle: none."""
_UNRESOLVED: Final = 253
EMPTY_CODE: Final = 254
"""An empty value where one is required: the problem :data:`EMPTY_VALUE`."""
INVALID_CODE: Final = 255
"""A value the column's rules refuse."""
PROBLEM_CODE: Final = EMPTY_CODE
"""Codes from this one on are problems."""

ASCII_SPACE = np.array([chr(b).isspace() for b in range(128)] + [True] * 128, dtype=np.bool_)
"""Bytes that may begin a value that strips to nothing (every non-ASCII byte may)."""


def pack(token: bytes) -> int:
    """A token of 2 to 4 bytes as one integer (its bytes, little-endian, and its length)."""
    return int.from_bytes(token, "little") | len(token) << 32


class Tokens:
    """Codes of the values of one kind of column, by the scalar engine's rules."""

    def __init__(
        self,
        parse: Callable[[str], int | None],
        empty: int,
        invalid: Callable[[str], str],
        candidates: Iterable[str],
    ) -> None:
        self._parse = parse
        self.empty = empty
        self.invalid_message = invalid
        self._cache: dict[str, int] = {}
        ascii_codes = [self.code(chr(b)) for b in range(128)]
        self._single = np.array(ascii_codes + [_UNRESOLVED] * 128, dtype=np.uint8)
        """The code of each one-byte value (a non-ASCII byte is not a whole value)."""
        packed = {pack(t.encode()): self.code(t) for t in candidates if 2 <= len(t.encode()) <= 4}
        keys = sorted(packed)
        self._keys = np.array(keys, dtype=np.uint64)
        self._key_codes = np.array([packed[k] for k in keys], dtype=np.uint8)

    def code(self, raw: str) -> int:
        """The code of one value (its text stripped; empty is :attr:`empty`)."""
        code = self._cache.get(raw)
        if code is None:
            text = raw.strip()
            parsed = self._parse(text) if text else self.empty
            code = INVALID_CODE if parsed is None else parsed
            if len(self._cache) < 100_000:
                self._cache[raw] = code
        return code

    def codes(self, column: pa.Array) -> U8:
        """The code of every value of a string column."""
        offsets, data = string_buffers(column)
        n = len(offsets) - 1
        if data.size == 0:
            return np.full(n, self.empty, np.uint8)
        starts = offsets[:-1]
        lengths = offsets[1:] - starts
        if n and starts[-1] >= data.size:  # empty values at the end start past the data
            starts = np.minimum(starts, data.size - 1)
        codes: U8 = self._single.take(data.take(starts))
        rows = np.flatnonzero(lengths != 1)  # a value of one byte is ASCII (valid UTF-8)
        if rows.size:
            codes[rows] = self._resolve(rows, starts[rows], lengths[rows], data)
        return codes

    def _resolve(self, rows: Intp, starts: I32, lengths: I32, data: U8) -> U8:
        """Codes of values that are not one ASCII byte: empty, packed tokens, the rest
        parsed one distinct value at a time."""
        codes = np.full(rows.size, _UNRESOLVED, np.uint8)
        codes[lengths == 0] = self.empty
        short = np.flatnonzero((lengths >= 2) & (lengths <= 4))
        if short.size and self._keys.size:
            key = packed(data, starts[short], lengths[short])
            at = np.minimum(np.searchsorted(self._keys, key), self._keys.size - 1)
            found = self._keys[at] == key
            codes[short[found]] = self._key_codes[at[found]]
        rest = np.flatnonzero(codes == _UNRESOLVED)
        if rest.size:
            # Read from the column's bytes (UTF-8, checked by pyarrow): no pyarrow
            # conversion to Python objects, which would import pandas on first use.
            codes[rest] = [
                self.code(data[start : start + length].tobytes().decode("utf-8"))
                for start, length in zip(starts[rest].tolist(), lengths[rest].tolist(), strict=True)
            ]
        return codes


_LOW_BYTES = np.array([0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF], np.uint32)


def packed(data: U8, starts: I32, lengths: I32) -> npt.NDArray[np.uint64]:
    """The values of 2 to 4 bytes at ``starts`` (ascending) in ``data``, each packed as
    :func:`pack` packs a token: the four bytes from each start read as one word."""
    if data.size < int(starts[-1]) + 4:  # the last words would run past the data
        data = np.concatenate([data, np.zeros(3, np.uint8)])
    words = np.ndarray((data.size - 3,), np.dtype("<u4"), buffer=data, strides=(1,))
    key = (words[starts] & _LOW_BYTES[lengths]).astype(np.uint64)
    key |= lengths.astype(np.uint64) << np.uint64(32)
    return key


def string_buffers(column: pa.Array) -> tuple[I32, U8]:
    """The offsets (``len + 1``) and data bytes of a pyarrow string array."""
    if column.null_count:  # pragma: no cover - strings_can_be_null is off
        raise ValueError("unexpected null in a CSV column")
    _, offsets_buffer, data_buffer = column.buffers()
    offsets: I32 = np.frombuffer(
        offsets_buffer, dtype=np.int32, count=len(column) + 1, offset=column.offset * 4
    )
    data: U8 = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None and data_buffer.size
        else np.zeros(0, np.uint8)
    )
    return offsets, data


def cell_tokens(kind: CellKind, hint: str) -> Tokens:
    def parse(text: str) -> int | None:
        cell = parse_cell(text, kind)
        return None if cell is None else encode(cell)

    nts = ("NT", "Nt", "nT", "nt")
    values = [*(str(score) for score in range(kind.normal + 1)), *nts]
    return Tokens(
        parse,
        EMPTY_CODE,
        lambda text: invalid_cell_message(text, hint),
        [value + tag for value in values for tag in ("", "*", "**")],
    )


def _anal_code(text: str) -> int | None:
    value = AnalFunction.parse(text)
    return None if value is None else ANAL.index(value)


def _muscle_code(text: str) -> int | None:
    level = parse_non_key_muscle(text)
    return None if level is None else int(level)


def anal_tokens() -> Tokens:
    names = [m.value for m in AnalFunction]
    candidates = [f(n) for n in names for f in (str, str.upper, str.lower, str.title)]
    return Tokens(_anal_code, EMPTY_CODE, invalid_anal_message, candidates)


def muscle_tokens() -> Tokens:
    names = [level.name for level in NON_KEY_MUSCLE_LEVELS]
    candidates = [*names, *(n.lower() for n in names)]
    return Tokens(_muscle_code, NO_MUSCLE_CODE, invalid_non_key_muscle_message, candidates)
