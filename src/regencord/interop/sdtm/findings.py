"""Findings datasets: QS (SCIM III), FT (WISCI II, 10MWT, 6MWT); the row shape RS
(:mod:`.exams`) shares.

One row per result. ``--ORRES`` and ``--STRESC`` hold the value as regencord keeps it
(ISNCSCI in Praxis notation: ``"3"``, ``"0*"``, ``"NT"``, ``"C5,C6*"``, ``"ND"``);
``--STRESN`` holds it as a number when it is one (a plain score), else it is empty. An NT
cell is a result of the examination ("not testable"), so it is a value, not
``--STAT = NOT DONE``. Rows of one exam or measure share ``--GRPID`` (``EXAM1``, ``SCIM1``,
… numbered per participant in time order).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from regencord.interop.export_data import ExportTrial
from regencord.interop.sdtm.codes import (
    SCIM_ITEMS,
    SCIM_SUBSCALES,
    SCIM_TOTAL,
    SIX_MINUTE,
    TEN_METRE_SPEED,
    TEN_METRE_TIME,
    WISCI,
    TestCode,
)
from regencord.interop.sdtm.dataset import (
    CHAR,
    DOMAIN,
    NUM,
    STUDYID,
    USUBJID,
    VISIT,
    VISITNUM,
    Dataset,
    Qualifier,
    Value,
    Variable,
    day,
    iso,
    make_dataset,
    seq,
    study_day,
    supp_dataset,
    supp_rows,
)
from regencord.interop.sdtm.subjects import Subject


def _variables(d: str, test_label: str) -> tuple[Variable, ...]:
    return (
        STUDYID,
        DOMAIN,
        USUBJID,
        seq(d),
        Variable(f"{d}GRPID", "Group ID", CHAR, "Perm", "Derived"),
        Variable(f"{d}TESTCD", f"{test_label} Short Name", CHAR, "Req", "Assigned", f"{d}TESTCD"),
        Variable(f"{d}TEST", f"{test_label} Name", CHAR, "Req", "Assigned", f"{d}TEST"),
        Variable(f"{d}CAT", "Category", CHAR, "Exp", "Assigned"),
        Variable(f"{d}SCAT", "Subcategory", CHAR, "Perm", "Assigned"),
        Variable(f"{d}ORRES", "Result or Finding in Original Units", CHAR, "Exp"),
        Variable(f"{d}ORRESU", "Original Units", CHAR, "Perm", "Assigned"),
        Variable(f"{d}STRESC", "Result or Finding in Standard Format", CHAR, "Exp", "Derived"),
        Variable(f"{d}STRESN", "Numeric Result/Finding in Standard Units", NUM, "Exp", "Derived"),
        Variable(f"{d}STRESU", "Standard Units", CHAR, "Perm", "Assigned"),
        Variable(f"{d}DRVFL", "Derived Flag", CHAR, "Perm", "Assigned", "NY"),
        VISITNUM,
        VISIT,
        Variable(f"{d}DTC", "Date/Time of Collection", CHAR, "Exp"),
        day(f"{d}DY", "Study Day of Collection"),
    )


RS_VARIABLES = _variables("RS", "Assessment")
QS_VARIABLES = _variables("QS", "Question")
FT_VARIABLES = _variables("FT", "Functional Test")


def _number(text: str) -> float | int | None:
    if text.isdigit():
        return int(text)
    try:
        return float(text)
    except ValueError:
        return None


def finding_row(
    domain: str,
    trial: ExportTrial,
    s: Subject,
    group: str,
    test: TestCode,
    value: str,
    *,
    visit: str,
    when: date,
    derived: bool,
) -> dict[str, Value]:
    d = domain
    return {
        "STUDYID": trial.data.code,
        "DOMAIN": d,
        "USUBJID": s.usubjid,
        f"{d}GRPID": group,
        f"{d}TESTCD": test.code,
        f"{d}TEST": test.label,
        f"{d}CAT": test.category,
        f"{d}SCAT": test.subcategory,
        f"{d}ORRES": value,
        f"{d}ORRESU": test.unit,
        f"{d}STRESC": value,
        f"{d}STRESN": _number(value),
        f"{d}STRESU": test.unit,
        f"{d}DRVFL": "Y" if derived else None,
        "VISITNUM": trial.visit_number(visit),
        "VISIT": visit,
        f"{d}DTC": iso(when),
        f"{d}DY": study_day(when, s.reference),
    }


def numbered(domain: str, rows: Iterable[dict[str, Value]]) -> list[dict[str, Value]]:
    out, counter = [], 0
    last = None
    for row in rows:
        counter = counter + 1 if row["USUBJID"] == last else 1
        last = row["USUBJID"]
        out.append({**row, f"{domain}SEQ": counter})
    return out


def qs(trial: ExportTrial, subs: list[Subject]) -> Dataset:
    """SCIM III: the 19 item scores, the three subscores and the total (derived)."""
    rows = []
    for s in subs:
        scims = [m for m in s.participant.measures if m.kind == "scim"]
        for n, m in enumerate(scims, 1):
            group = f"SCIM{n}"
            items = m.scim_items or {}
            subscores = dict.fromkeys(SCIM_SUBSCALES, 0)
            for item in SCIM_ITEMS:
                if item.key not in items:
                    continue
                score = int(items[item.key])
                subscores[item.subscale] += score
                rows.append(
                    finding_row(
                        "QS",
                        trial,
                        s,
                        group,
                        item.test,
                        str(score),
                        visit=m.visit,
                        when=m.measure_date,
                        derived=False,
                    )
                )
            if len(items) == len(SCIM_ITEMS):
                for key, test in SCIM_SUBSCALES.items():
                    rows.append(
                        finding_row(
                            "QS",
                            trial,
                            s,
                            group,
                            test,
                            str(subscores[key]),
                            visit=m.visit,
                            when=m.measure_date,
                            derived=True,
                        )
                    )
            rows.append(
                finding_row(
                    "QS",
                    trial,
                    s,
                    group,
                    SCIM_TOTAL,
                    f"{m.value:g}",
                    visit=m.visit,
                    when=m.measure_date,
                    derived=True,
                )
            )
    return make_dataset(
        "QS",
        "Questionnaires",
        "One record per questionnaire per question per time point per subject",
        ("STUDYID", "USUBJID", "QSGRPID", "QSTESTCD"),
        QS_VARIABLES,
        numbered("QS", rows),
    )


AID = Qualifier("FTAID", "Walking Aid Used")
GROUP_PREFIX = {"wisci": "WISCI", "ten_metre_walk": "10MWT", "six_minute_walk": "6MWT"}


def ft(trial: ExportTrial, subs: list[Subject]) -> tuple[Dataset, Dataset]:
    """WISCI II level, 10MWT time (s) with the derived speed (m/s), 6MWT distance (m);
    the walking aid as a SUPPFT qualifier of the test's group."""
    rows, supp = [], []
    for s in subs:
        counts: dict[str, int] = {}
        for m in s.participant.measures:
            tests: list[tuple[TestCode, str, bool]]
            if m.kind == "wisci":
                tests = [(WISCI, f"{m.value:g}", False)]
            elif m.kind == "ten_metre_walk":
                speed = f"{round(10.0 / m.value, 3):g}"
                tests = [(TEN_METRE_TIME, f"{m.value:g}", False), (TEN_METRE_SPEED, speed, True)]
            elif m.kind == "six_minute_walk":
                tests = [(SIX_MINUTE, f"{m.value:g}", False)]
            else:
                continue
            prefix = GROUP_PREFIX[m.kind]
            counts[prefix] = counts.get(prefix, 0) + 1
            group = f"{prefix}{counts[prefix]}"
            for test, value, derived in tests:
                rows.append(
                    finding_row(
                        "FT",
                        trial,
                        s,
                        group,
                        test,
                        value,
                        visit=m.visit,
                        when=m.measure_date,
                        derived=derived,
                    )
                )
            supp += supp_rows(trial.data.code, "FT", s.usubjid, "FTGRPID", group, AID, m.aid)
    data = make_dataset(
        "FT",
        "Functional Tests",
        "One record per functional test per time point per subject",
        ("STUDYID", "USUBJID", "FTGRPID", "FTTESTCD"),
        FT_VARIABLES,
        numbered("FT", rows),
    )
    return data, supp_dataset("FT", supp)
