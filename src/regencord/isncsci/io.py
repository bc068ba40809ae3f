"""Reading exams and writing classifications: JSON (the Praxis shape) and CSV (one exam a
row). The names of :mod:`regencord.isncsci.columns` (the CSV layout),
:mod:`regencord.isncsci.reading`, :mod:`regencord.isncsci.writing` and
:mod:`regencord.isncsci.files` (formats, atomic writes), importable from one place.
"""

from __future__ import annotations

from regencord.isncsci.columns import (
    COLUMN_OF_FIELD,
    EMPTY_VALUE,
    EXAM_COLUMNS,
    EXAM_ID_COLUMN,
    OPTIONAL_COLUMNS,
    RESULT_COLUMNS,
    RESULT_CSV_COLUMNS,
    CsvLayout,
)
from regencord.isncsci.files import FileFormat, OutputError, atomic_write, format_of
from regencord.isncsci.reading import (
    CsvRecord,
    ExamSource,
    csv_records,
    no_header_problem,
    read_exams,
)
from regencord.isncsci.writing import (
    classify_all,
    exam_row,
    result_row,
    save_exams,
    save_results,
    write_exams,
    write_results,
)

__all__ = [
    "COLUMN_OF_FIELD",
    "EMPTY_VALUE",
    "EXAM_COLUMNS",
    "EXAM_ID_COLUMN",
    "OPTIONAL_COLUMNS",
    "RESULT_COLUMNS",
    "RESULT_CSV_COLUMNS",
    "CsvLayout",
    "CsvRecord",
    "ExamSource",
    "FileFormat",
    "OutputError",
    "atomic_write",
    "classify_all",
    "csv_records",
    "exam_row",
    "format_of",
    "no_header_problem",
    "read_exams",
    "result_row",
    "save_exams",
    "save_results",
    "write_exams",
    "write_results",
]
