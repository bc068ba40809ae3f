"""Vectorized ISNCSCI classification of many exams at once (NumPy).

>>> from regencord.isncsci.batch import ExamBatch, classify_batch
>>> result = classify_batch(ExamBatch.from_praxis(list_of_exam_dicts))
>>> result.to_praxis()  # identical to [classify(e).to_praxis() for e in exams]
"""

from regencord.isncsci.batch.engine import classify_batch
from regencord.isncsci.batch.exam_batch import ExamBatch
from regencord.isncsci.batch.result import BatchClassification, BatchTotals
from regencord.isncsci.batch.walks import INT_BIT, NA_BIT, LevelMasks

__all__ = [
    "INT_BIT",
    "NA_BIT",
    "BatchClassification",
    "BatchTotals",
    "ExamBatch",
    "LevelMasks",
    "classify_batch",
]
