"""Classify a dask DataFrame of exams, partition by partition (needs ``regencord[dask]``).

>>> import dask.dataframe as dd
>>> from regencord.isncsci.dask import classify_dataframe
>>> exams = dd.read_parquet("exams.parquet")  # the CSV exam columns, one exam a row
>>> classify_dataframe(exams).to_parquet("results.parquet")

Each partition is validated with :meth:`ExamBatch.from_frame
<regencord.isncsci.batch.ExamBatch.from_frame>` and classified with
:func:`~regencord.isncsci.batch.classify_batch`. The result has ``exam_id`` and the result
columns of the CSV output (:data:`~regencord.isncsci.io.RESULT_CSV_COLUMNS`), all strings
(pandas' ``"string"`` dtype; no id is missing), with the index and divisions of the input.
An invalid partition raises :class:`~regencord.isncsci.errors.InvalidExam` when computed;
its problems count exams from 1 within the partition, and a note names the partition.
"""

from __future__ import annotations

from typing import Any, Literal

try:
    import dask.dataframe as dd
    import pandas as pd
except ImportError as error:  # pragma: no cover - exercised only without dask
    raise ImportError(
        "regencord.isncsci.dask needs dask[dataframe] and pandas; install them with: "
        "pip install 'regencord[dask]'"
    ) from error

from regencord.isncsci.batch import ExamBatch, classify_batch
from regencord.isncsci.columns import RESULT_CSV_COLUMNS
from regencord.isncsci.errors import InvalidExam

__all__ = ["RESULT_DTYPE", "classify_dataframe", "classify_partition", "result_meta"]

RESULT_DTYPE = pd.StringDtype()
"""The dtype of every result column."""


def result_meta(index: pd.Index | None = None) -> pd.DataFrame:
    """An empty result frame: the columns and dtypes :func:`classify_dataframe` returns."""
    columns = {name: pd.Series([], dtype=RESULT_DTYPE) for name in RESULT_CSV_COLUMNS}
    meta = pd.DataFrame(columns)
    if index is not None:
        meta.index = index[:0]
    return meta


def classify_partition(
    part: pd.DataFrame,
    extra_columns: Literal["error", "ignore"] = "error",
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """The results of one pandas partition, indexed like it (what
    :func:`classify_dataframe` maps over the partitions)."""
    try:
        batch = ExamBatch.from_frame(part, extra_columns=extra_columns)
    except InvalidExam as error:
        if partition_info is not None:
            error.add_note(
                f"in partition {partition_info.get('number')} of the dask DataFrame "
                "(exams counted from 1 within the partition)"
            )
        raise
    if len(batch) == 0:
        return result_meta(part.index)
    frame = classify_batch(batch).to_frame().astype(RESULT_DTYPE)
    frame.index = part.index
    return frame


def classify_dataframe(
    exams: dd.DataFrame, *, extra_columns: Literal["error", "ignore"] = "error"
) -> dd.DataFrame:
    """Classify every exam of a dask DataFrame with the CSV exam columns (lazily: nothing
    is read or classified until the result is computed). ``extra_columns="ignore"`` leaves
    out columns that are not exam columns instead of reporting them."""
    if not isinstance(exams, dd.DataFrame):
        raise TypeError(f"expected a dask DataFrame, got {type(exams).__name__}")
    frame: Any = exams  # dask's collections are untyped
    results: dd.DataFrame = frame.map_partitions(
        classify_partition,
        extra_columns=extra_columns,
        meta=result_meta(frame._meta.index),
    )
    return results
