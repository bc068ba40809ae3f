"""Use cases of the cell product: register iPS cell lines and lots, record quality-control
results, void a mistaken one, release or reject a lot.

A lot may be released only when every one of its QC results meets its specification and
every required assay (:data:`REQUIRED_ASSAYS`) has a result. A rejection can be recorded
at any time, also after a release (a recall); a rejected lot is never released again.
Voiding a QC result the lot was released on withdraws that release.

The package: :mod:`.inputs` (input values and models, a QC result against its
specification), :mod:`.assays` (the release assays and the release rule), :mod:`.views`
(what the use cases return), :mod:`.use_cases`. Its names are imported from here.
"""

from __future__ import annotations

from regencord.services.product.assays import (
    REQUIRED_ASSAYS,
    STANDARD_ASSAYS,
    Assay,
    assay_name,
    decision_in_force,
    number_text,
    release_problems,
    result_text,
    specification_text,
)
from regencord.services.product.inputs import (
    Code,
    DecisionInput,
    LineInput,
    LotInput,
    Note,
    OptionalText,
    Person,
    QcInput,
    RejectionInput,
    missing,
    qc_problems,
)
from regencord.services.product.use_cases import (
    QcVoidResult,
    add_line,
    add_lot,
    find_line,
    find_lot,
    record_qc,
    reject_lot,
    release_lot,
    show_line,
    show_lot,
    void_qc,
)
from regencord.services.product.views import (
    CellLineView,
    DecisionView,
    LotView,
    QcView,
    decision_view,
    line_view,
    lot_view,
    qc_view,
)
from regencord.services.validation import Day, blank_is_none, not_after_today, raise_problems

LineSummary = CellLineView
"""Former name of :class:`CellLineView`, until the transplant use cases move to it."""
LotSummary = LotView
"""Former name of :class:`LotView`, until the transplant use cases move to it."""
lot_summary = lot_view
"""Former name of :func:`lot_view`, until the transplant use cases move to it."""
line_summary = line_view
"""Former name of :func:`line_view`, until the transplant use cases move to it."""

__all__ = [
    "REQUIRED_ASSAYS",
    "STANDARD_ASSAYS",
    "Assay",
    "CellLineView",
    "Code",
    "Day",
    "DecisionInput",
    "DecisionView",
    "LineInput",
    "LineSummary",
    "LotInput",
    "LotSummary",
    "LotView",
    "Note",
    "OptionalText",
    "Person",
    "QcInput",
    "QcView",
    "QcVoidResult",
    "RejectionInput",
    "add_line",
    "add_lot",
    "assay_name",
    "blank_is_none",
    "decision_in_force",
    "decision_view",
    "find_line",
    "find_lot",
    "line_summary",
    "line_view",
    "lot_summary",
    "lot_view",
    "missing",
    "not_after_today",
    "number_text",
    "qc_problems",
    "qc_view",
    "raise_problems",
    "record_qc",
    "reject_lot",
    "release_lot",
    "release_problems",
    "result_text",
    "show_line",
    "show_lot",
    "specification_text",
    "void_qc",
]
