"""ISNCSCI classification engine (International Standards, 2019 revision).

>>> from regencord.isncsci import Exam, classify
>>> result = classify(Exam.from_praxis(exam_dict))
>>> result.ais, result.to_praxis()

The engine imports nothing of the rest of regencord.
"""

from regencord.isncsci.cells import AnalFunction, Cell, Tag
from regencord.isncsci.classification import ENGINE_VERSION, Classification, SideLevels, classify
from regencord.isncsci.errors import InvalidExam, Problem
from regencord.isncsci.exam import Exam, Side, SideExam
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, Level, LevelValue, Marker
from regencord.isncsci.possible_values import PossibleValues
from regencord.isncsci.steps.asia_impairment_scale import AIS
from regencord.isncsci.steps.completeness import Completeness
from regencord.isncsci.steps.totals import SideTotals, Totals

__all__ = [
    "AIS",
    "DERMATOMES",
    "ENGINE_VERSION",
    "MYOTOMES",
    "AnalFunction",
    "Cell",
    "Classification",
    "Completeness",
    "Exam",
    "InvalidExam",
    "Level",
    "LevelValue",
    "Marker",
    "PossibleValues",
    "Problem",
    "Side",
    "SideExam",
    "SideLevels",
    "SideTotals",
    "Tag",
    "Totals",
    "classify",
]
