"""ISNCSCI exams: RS (one row per worksheet value and per result), SUPPRS, and CO (the
examiner's comments).

* ``RSSCAT`` ``WORKSHEET`` (the 134 values, the lowest non-key muscles), ``CLASSIFICATION``
  (levels, ZPPs, completeness, AIS; derived), ``SCORE`` (totals; derived). Values in Praxis
  notation (see :mod:`.findings`); ``RSGRPID`` ``EXAM<n>`` groups one exam's rows.
* SUPPRS: the classifying engine's version per exam (``IDVAR`` ``RSGRPID``); for a tagged
  cell (``*``/``**``) with a recorded non-SCI impairment, its reason and, for reason
  ``other``, the description (``IDVAR`` ``RSSEQ``, the cell's row).
* CO: the exam's comments (``RDOMAIN`` ``RS``, ``IDVAR`` ``RSGRPID``), text over 200 bytes
  continued in ``COVAL1``, ``COVAL2`` … (SDTM's convention for long comments).
"""

from __future__ import annotations

from regencord.interop.export_data import ExportTrial
from regencord.interop.sdtm.codes import CELL, cell_code, isncsci_values
from regencord.interop.sdtm.dataset import (
    CHAR,
    DOMAIN,
    NUM,
    STUDYID,
    USUBJID,
    Dataset,
    Qualifier,
    Value,
    Variable,
    iso,
    make_dataset,
    split_text,
    supp_dataset,
    supp_rows,
)
from regencord.interop.sdtm.findings import RS_VARIABLES, finding_row
from regencord.interop.sdtm.subjects import Subject

ENGINE = Qualifier("ENGVER", "Classifying Engine Version", "Assigned")
REASON = Qualifier("IMPRSN", "Non-SCI Impairment Reason")
OTHER = Qualifier("IMPOTH", "Non-SCI Impairment Description")


def rs(trial: ExportTrial, subs: list[Subject]) -> tuple[Dataset, Dataset]:
    rows: list[dict[str, Value]] = []
    supp: list[dict[str, Value]] = []
    code = trial.data.code
    for s in subs:
        details = trial.extras_of(s.participant).exams
        seq = 0
        for n, point in enumerate(s.participant.exams, 1):
            group = f"EXAM{n}"
            detail = details[n - 1] if n <= len(details) else None
            impaired = {cell_code(path): i for path, i in point.impairments.items()}
            for test, value in isncsci_values(point.exam, point.result):
                if value is None:
                    continue
                seq += 1
                row = finding_row(
                    "RS", trial, s, group, test, value,
                    visit=point.visit, when=point.exam_date, derived=test.subcategory != CELL,
                )  # fmt: skip
                rows.append({**row, "RSSEQ": seq})
                impairment = impaired.get(test.code)
                if impairment is not None:
                    supp += supp_rows(
                        code, "RS", s.usubjid, "RSSEQ", str(seq), REASON, impairment.get("reason")
                    )
                    supp += supp_rows(
                        code, "RS", s.usubjid, "RSSEQ", str(seq), OTHER, impairment.get("other")
                    )
            if detail is not None:
                supp += supp_rows(
                    code, "RS", s.usubjid, "RSGRPID", group, ENGINE, detail.engine_version
                )
    data = make_dataset(
        "RS",
        "Disease Response and Clin Classification",
        "One record per test per exam per subject",
        ("STUDYID", "USUBJID", "RSGRPID", "RSTESTCD"),
        RS_VARIABLES,
        rows,
    )
    return data, supp_dataset("RS", supp)


def co(trial: ExportTrial, subs: list[Subject]) -> Dataset:
    """The comments of every exam that has some."""
    rows: list[dict[str, Value]] = []
    for s in subs:
        seq = 0
        for n, point in enumerate(s.participant.exams, 1):
            comments = (point.comments or "").rstrip()
            if not comments:
                continue
            seq += 1
            pieces = split_text(comments)
            rows.append(
                {
                    "STUDYID": trial.data.code,
                    "DOMAIN": "CO",
                    "RDOMAIN": "RS",
                    "USUBJID": s.usubjid,
                    "COSEQ": seq,
                    "IDVAR": "RSGRPID",
                    "IDVARVAL": f"EXAM{n}",
                    "CODTC": iso(point.exam_date),
                    **{f"COVAL{i or ''}": piece for i, piece in enumerate(pieces)},
                }
            )
    width = max((sum(k.startswith("COVAL") for k in r) for r in rows), default=1)
    variables = (
        STUDYID,
        DOMAIN,
        Variable("RDOMAIN", "Related Domain Abbreviation", CHAR, "Perm", "Assigned"),
        USUBJID,
        Variable("COSEQ", "Sequence Number", NUM, "Req", "Derived"),
        Variable("IDVAR", "Identifying Variable", CHAR, "Perm", "Assigned"),
        Variable("IDVARVAL", "Identifying Variable Value", CHAR, "Perm", "Assigned"),
        Variable("COVAL", "Comment", CHAR, "Req"),
        *(Variable(f"COVAL{i}", f"Comment (continued {i})", CHAR, "Perm") for i in range(1, width)),
        Variable("CODTC", "Date/Time of Comment", CHAR, "Perm"),
    )
    return make_dataset(
        "CO", "Comments", "One record per comment per subject",
        ("STUDYID", "USUBJID", "COSEQ"), variables, rows,
    )  # fmt: skip
