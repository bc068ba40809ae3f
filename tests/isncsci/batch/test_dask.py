"""``classify_dataframe``: a dask DataFrame of exams classified partition by partition on a
local (in-process) distributed cluster gives what ``classify_batch`` gives on the whole."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from regencord.isncsci import Exam, InvalidExam  # noqa: E402
from regencord.isncsci.batch import ExamBatch, classify_batch  # noqa: E402
from regencord.isncsci.dask import (  # noqa: E402
    RESULT_DTYPE,
    classify_dataframe,
    classify_partition,
    result_meta,
)
from regencord.isncsci.io import RESULT_CSV_COLUMNS, exam_row  # noqa: E402
from regencord.isncsci.synthetic import generate_exams  # noqa: E402

N = 3_000


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def exams() -> pd.DataFrame:
    dicts = generate_exams(N, seed=31, nt_rate=0.05, tag_rate=0.03, non_key_rate=0.3)
    dicts[10].pop("id")
    return pd.DataFrame([exam_row(Exam.from_praxis(d)) for d in dicts])


def compute(frame: Any) -> pd.DataFrame:
    """``frame.compute()`` (dask's collections are untyped)."""
    result: pd.DataFrame = frame.compute()
    return result


def expected_results(exams: pd.DataFrame) -> pd.DataFrame:
    return classify_batch(ExamBatch.from_frame(exams)).to_frame().astype(RESULT_DTYPE)


def test_classify_dataframe_equals_classify_batch(client: Any, exams: pd.DataFrame) -> None:
    ddf = dd.from_pandas(exams, npartitions=7)
    results = classify_dataframe(ddf)
    assert tuple(results.columns) == RESULT_CSV_COLUMNS
    assert all(t == RESULT_DTYPE for t in results.dtypes)
    assert results.npartitions == 7 and results.divisions == ddf.divisions
    computed = client.compute(results).result()
    assert isinstance(computed, pd.DataFrame) and len(computed) == N
    pd.testing.assert_frame_equal(computed, expected_results(exams), check_index_type=False)
    assert pd.isna(computed["exam_id"].iloc[10])


def test_the_index_is_kept(client: Any, exams: pd.DataFrame) -> None:
    indexed = exams.set_index(pd.Index(np.arange(N) * 10 + 5, name="row"))
    computed = compute(classify_dataframe(dd.from_pandas(indexed, npartitions=4)))
    assert computed.index.equals(indexed.index)
    pd.testing.assert_frame_equal(
        computed.reset_index(drop=True), expected_results(exams), check_index_type=False
    )


def test_extra_columns(client: Any, exams: pd.DataFrame) -> None:
    ddf = dd.from_pandas(exams.assign(site="Zurich"), npartitions=3)
    with pytest.raises(InvalidExam, match="csv header: site: unknown column"):
        compute(classify_dataframe(ddf))
    computed = compute(classify_dataframe(ddf, extra_columns="ignore"))
    pd.testing.assert_frame_equal(computed, expected_results(exams), check_index_type=False)


def test_an_invalid_partition_raises_with_its_problems(client: Any, exams: pd.DataFrame) -> None:
    bad = exams.copy()
    bad.loc[1005, "vac"] = "maybe"
    ddf = dd.from_pandas(bad, npartitions=3)  # rows 1000-1999 are partition 1
    with pytest.raises(InvalidExam) as raised:
        compute(classify_dataframe(ddf))
    error = raised.value
    assert [str(p) for p in error.problems] == [
        "exam 6 (id SYN-001006): vac: 'maybe' is not Yes, No or NT"
    ]
    assert any("partition 1" in note for note in getattr(error, "__notes__", []))
    copy = pickle.loads(pickle.dumps(error))  # as it travels from a worker process
    assert copy.problems == error.problems


def test_empty_partitions(client: Any, exams: pd.DataFrame) -> None:
    ddf = dd.from_pandas(exams.iloc[:40], npartitions=2)
    filtered = ddf[ddf["vac"] == "Yes"]  # some partitions may end up empty
    empty = compute(classify_dataframe(ddf[ddf["vac"] == "no such value"]))
    assert len(empty) == 0 and tuple(empty.columns) == RESULT_CSV_COLUMNS
    computed = compute(classify_dataframe(filtered))
    yes = exams.iloc[:40][exams.iloc[:40]["vac"] == "Yes"]
    pd.testing.assert_frame_equal(
        computed.reset_index(drop=True), expected_results(yes), check_index_type=False
    )


def test_meta_and_partition_function() -> None:
    meta = result_meta()
    assert tuple(meta.columns) == RESULT_CSV_COLUMNS and len(meta) == 0
    part = pd.DataFrame([exam_row(Exam.from_praxis(d)) for d in generate_exams(5, seed=2)])
    part.index = pd.Index([10, 11, 12, 13, 14])
    out = classify_partition(part)
    assert out.index.equals(part.index)
    assert (out.dtypes == meta.dtypes).all()
    with pytest.raises(TypeError, match="dask DataFrame"):
        classify_dataframe(part)
