"""Use cases: data-quality checks and the queries they open.

A check looks at one participant's records and names each record it finds wrong. The
checks are built in (:data:`RULES`); each trial turns them on or off and sets their
parameters (``check_setting`` rows; without a row a check is on, with its defaults).
They run on demand for a whole trial (:func:`run_checks`) and after every save of an
exam, measure, visit, adverse event or transplant (:func:`run_checks_for`, called inside
that save's transaction).

A failed check opens a :class:`~regencord.store.models.Query` on the record, unless one
for the same record and check is still open or answered, or one was closed with the same
message (a human already accepted that finding). A check that passes again does not close
its query: a person closes it, with a note, so that every resolution is a human decision
in the audit trail; the run reports such queries as passing.

Not a built-in check: an adverse event without grade or relatedness. The store refuses
those (``ctcae_grade`` and the three relatedness columns are NOT NULL, grade 1-5), so the
check could never fire.

The package: :mod:`.rules` (the rules), :mod:`.runs` (settings and runs),
:mod:`.queries` (the queries). Its names are imported from here.
"""

from __future__ import annotations

from regencord.services.quality.queries import (
    QueryStepView,
    QueryView,
    answer_query,
    close_passing_queries,
    close_query,
    list_queries,
    show_query,
    state_of,
)
from regencord.services.quality.rules import (
    RULES,
    QualityIssue,
    QualityRule,
    RuleFunction,
    nt_cells,
)
from regencord.services.quality.runs import (
    CHECK_STEP_USER,
    QualityRuleView,
    RuleRunResult,
    configure_rule,
    list_quality_rules,
    rule_views,
    run_checks,
    run_checks_for,
)

__all__ = [
    "CHECK_STEP_USER",
    "RULES",
    "QualityIssue",
    "QualityRule",
    "QualityRuleView",
    "QueryStepView",
    "QueryView",
    "RuleFunction",
    "RuleRunResult",
    "answer_query",
    "close_passing_queries",
    "close_query",
    "configure_rule",
    "list_quality_rules",
    "list_queries",
    "nt_cells",
    "rule_views",
    "run_checks",
    "run_checks_for",
    "show_query",
    "state_of",
]
