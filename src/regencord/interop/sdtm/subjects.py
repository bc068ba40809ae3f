"""Subject-level and event datasets: DM, SV, EX (the cells), PR (the surgery), CM (the
immunosuppression) and AE, with their supplemental qualifiers.

* ``USUBJID`` is ``STUDYID-SITEID-SUBJID`` (trial code, site code, study id): pseudonymous
  like the store. DM holds age at injury (``AGE``, years) and sex only; no birth date.
* ``RFSTDTC`` = ``RFXSTDTC`` = ``RFENDTC`` = ``RFXENDTC`` = the transplant date (the one
  exposure to the cells); study days count from it. ``RFPENDTC`` is the last date recorded
  for the participant (visit, exam, measure, AE or course).
* AE: ``AETOXGR`` the CTCAE grade; ``AEREL`` the relatedness to the cells (the
  investigational product); relatedness to the surgery and to the immunosuppression in
  SUPPAE (``AERELSU``, ``AERELIS``); the site's MedDRA code (not looked up, so
  ``AEDECOD`` stays empty) and the action taken (free text) in SUPPAE too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from regencord.interop.export_data import ExportTrial
from regencord.interop.sdtm.codelists import AE_OUTCOME, ARM_CODE, ARM_NAME, RELATEDNESS, SEX
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
from regencord.outcomes.model import ParticipantData


@dataclass(frozen=True)
class Subject:
    """What every dataset needs to know about a participant."""

    participant: ParticipantData
    usubjid: str
    reference: date | None
    """RFSTDTC: the transplant date, if transplanted."""


def subjects(trial: ExportTrial) -> list[Subject]:
    code = trial.data.code
    return [
        Subject(
            p,
            f"{code}-{p.site}-{p.study_id}",
            p.transplant.transplant_date if p.transplant else None,
        )
        for p in trial.data.participants
    ]


def _ids(trial: ExportTrial, domain: str, s: Subject) -> dict[str, Value]:
    return {"STUDYID": trial.data.code, "DOMAIN": domain, "USUBJID": s.usubjid}


def _yn(flag: bool) -> str:
    return "Y" if flag else "N"


# --------------------------------------------------------------------------- DM

DM_VARIABLES = (
    STUDYID,
    DOMAIN,
    USUBJID,
    Variable("SUBJID", "Subject Identifier for the Study", CHAR, "Req"),
    Variable(
        "RFSTDTC",
        "Subject Reference Start Date/Time",
        CHAR,
        "Exp",
        "Derived",
        comment="transplant date",
    ),
    Variable(
        "RFENDTC",
        "Subject Reference End Date/Time",
        CHAR,
        "Exp",
        "Derived",
        comment="transplant date",
    ),
    Variable("RFXSTDTC", "Date/Time of First Study Treatment", CHAR, "Exp", "Derived"),
    Variable("RFXENDTC", "Date/Time of Last Study Treatment", CHAR, "Exp", "Derived"),
    Variable("RFICDTC", "Date/Time of Informed Consent", CHAR, "Exp"),
    Variable("RFPENDTC", "Date/Time of End of Participation", CHAR, "Exp", "Derived"),
    Variable("SITEID", "Study Site Identifier", CHAR, "Req"),
    Variable("AGE", "Age", NUM, "Exp", comment="age at injury"),
    Variable("AGEU", "Age Units", CHAR, "Exp", "Assigned", "AGEU"),
    Variable("SEX", "Sex", CHAR, "Req", codelist="SEX"),
    Variable("ARMCD", "Planned Arm Code", CHAR, "Exp", "Assigned", "ARMCD"),
    Variable("ARM", "Description of Planned Arm", CHAR, "Exp", "Assigned", "ARM"),
    Variable("ACTARMCD", "Actual Arm Code", CHAR, "Exp", "Derived", "ARMCD"),
    Variable("ACTARM", "Description of Actual Arm", CHAR, "Exp", "Derived", "ARM"),
    Variable("ARMNRS", "Reason Arm and/or Actual Arm is Null", CHAR, "Exp", "Derived", "ARMNRS"),
    Variable("COUNTRY", "Country", CHAR, "Req", comment="not held by regencord: empty"),
)
SUPPDM = (
    Qualifier("INJDTC", "Date of Spinal Cord Injury"),
    Qualifier("VERTLVL", "Vertebral Level of Injury"),
    Qualifier("STATUS", "Participant Status"),
    Qualifier("WDREAS", "Reason for Withdrawal"),
)


def _last_date(p: ParticipantData, trial: ExportTrial) -> date | None:
    extras = trial.extras_of(p)
    dates: list[date] = [v.actual_date for v in extras.visits if v.actual_date]
    dates += [e.exam_date for e in p.exams] + [m.measure_date for m in p.measures]
    dates += [a.onset_date for a in p.adverse_events]
    dates += [a.resolution_date for a in p.adverse_events if a.resolution_date]
    dates += [c.start_on for c in extras.courses] + [c.stop_on for c in extras.courses if c.stop_on]
    if p.transplant:
        dates.append(p.transplant.transplant_date)
    return max(dates, default=None)


def _arm_null_reason(p: ParticipantData) -> str | None:
    if p.transplant is not None:
        return None
    if "enrolled" in p.statuses or p.status in ("enrolled", "completed"):
        return "ASSIGNED, NOT TREATED"
    return "NOT ASSIGNED" if p.status == "screening" else "SCREEN FAILURE"


def dm(trial: ExportTrial, subs: list[Subject]) -> tuple[Dataset, Dataset]:
    rows, supp = [], []
    for s in subs:
        p = s.participant
        ref = iso(s.reference)
        arm = ARM_CODE if p.transplant else None
        rows.append(
            {
                **_ids(trial, "DM", s),
                "SUBJID": p.study_id,
                "RFSTDTC": ref,
                "RFENDTC": ref,
                "RFXSTDTC": ref,
                "RFXENDTC": ref,
                "RFICDTC": iso(trial.extras_of(p).consent_date),
                "RFPENDTC": iso(_last_date(p, trial)),
                "SITEID": p.site,
                "AGE": p.age_at_injury,
                "AGEU": "YEARS",
                "SEX": SEX[p.sex],
                "ARMCD": arm,
                "ARM": ARM_NAME if arm else None,
                "ACTARMCD": arm,
                "ACTARM": ARM_NAME if arm else None,
                "ARMNRS": _arm_null_reason(p),
            }
        )
        values = (iso(p.injury_date), p.vertebral_level, p.status, p.withdrawal_reason)
        for q, value in zip(SUPPDM, values, strict=True):
            supp += supp_rows(trial.data.code, "DM", s.usubjid, None, None, q, value)
    data = make_dataset(
        "DM", "Demographics", "One record per subject", ("STUDYID", "USUBJID"), DM_VARIABLES, rows
    )
    return data, supp_dataset("DM", supp)


# --------------------------------------------------------------------------- SV

SV_VARIABLES = (
    STUDYID,
    DOMAIN,
    USUBJID,
    VISITNUM,
    VISIT,
    Variable("SVPRESP", "Pre-specified", CHAR, "Perm", "Assigned", "NY"),
    Variable("SVOCCUR", "Occurrence", CHAR, "Perm", "Collected", "NY"),
    Variable("SVREASOC", "Reason for Occur Value", CHAR, "Perm"),
    Variable("SVSTDTC", "Start Date/Time of Visit", CHAR, "Exp"),
    Variable("SVENDTC", "End Date/Time of Visit", CHAR, "Exp"),
    day("SVSTDY", "Study Day of Start of Visit"),
    day("SVENDY", "Study Day of End of Visit"),
)


def sv(trial: ExportTrial, subs: list[Subject]) -> Dataset:
    rows = []
    for s in subs:
        for v in trial.extras_of(s.participant).visits:
            rows.append(
                {
                    **_ids(trial, "SV", s),
                    "VISITNUM": trial.visit_number(v.name),
                    "VISIT": v.name,
                    "SVPRESP": "Y",
                    "SVOCCUR": _yn(v.actual_date is not None),
                    "SVREASOC": v.missed_reason,
                    "SVSTDTC": iso(v.actual_date),
                    "SVENDTC": iso(v.actual_date),
                    "SVSTDY": study_day(v.actual_date, s.reference),
                    "SVENDY": study_day(v.actual_date, s.reference),
                }
            )
    rows.sort(key=lambda r: (str(r["USUBJID"]), int(r["VISITNUM"] or 0)))
    return make_dataset(
        "SV",
        "Subject Visits",
        "One record per subject per actual visit",
        ("STUDYID", "USUBJID", "VISITNUM"),
        SV_VARIABLES,
        rows,
    )


# --------------------------------------------------------------------------- EX, PR

EX_VARIABLES = (
    STUDYID,
    DOMAIN,
    USUBJID,
    seq("EX"),
    Variable("EXTRT", "Name of Treatment", CHAR, "Req", "Assigned", comment="cell line of the lot"),
    Variable("EXDOSE", "Dose", NUM, "Exp"),
    Variable("EXDOSU", "Dose Units", CHAR, "Exp", "Assigned"),
    Variable("EXDOSFRM", "Dose Form", CHAR, "Exp", "Assigned"),
    Variable("EXROUTE", "Route of Administration", CHAR, "Perm", "Assigned", "ROUTE"),
    Variable("EXLOT", "Lot Number", CHAR, "Perm"),
    Variable("EXLOC", "Location of Dose Administration", CHAR, "Perm"),
    Variable("EXVAMT", "Treatment Vehicle Amount", NUM, "Perm", comment="injected volume"),
    Variable("EXVAMTU", "Treatment Vehicle Amount Units", CHAR, "Perm", "Assigned"),
    Variable("EXSTDTC", "Start Date/Time of Treatment", CHAR, "Exp"),
    Variable("EXENDTC", "End Date/Time of Treatment", CHAR, "Exp"),
    day("EXSTDY", "Study Day of Start of Treatment"),
    day("EXENDY", "Study Day of End of Treatment"),
)
PR_VARIABLES = (
    STUDYID,
    DOMAIN,
    USUBJID,
    seq("PR"),
    Variable("PRTRT", "Reported Name of Procedure", CHAR, "Req", "Assigned"),
    Variable("PRCAT", "Category", CHAR, "Perm", "Assigned"),
    Variable("PRLOC", "Location of Procedure", CHAR, "Perm"),
    Variable("PRSTDTC", "Start Date/Time of Procedure", CHAR, "Exp"),
    Variable("PRENDTC", "End Date/Time of Procedure", CHAR, "Perm"),
    day("PRSTDY", "Study Day of Start of Procedure"),
    day("PRENDY", "Study Day of End of Procedure"),
)
TRANSPLANT_PROCEDURE = "INTRASPINAL CELL TRANSPLANTATION"
PRDEV = Qualifier("PRDEV", "Protocol Deviation")


def ex_pr(trial: ExportTrial, subs: list[Subject]) -> tuple[Dataset, Dataset, Dataset]:
    ex, pr, supp = [], [], []
    for s in subs:
        t = s.participant.transplant
        if t is None:
            continue
        when, dy = iso(t.transplant_date), study_day(t.transplant_date, s.reference)
        ex.append(
            {
                **_ids(trial, "EX", s),
                "EXSEQ": 1,
                "EXTRT": f"{t.lot.cell_line} CELLS",
                "EXDOSE": t.dose_cells,
                "EXDOSU": "cells",
                "EXDOSFRM": "SUSPENSION",
                "EXROUTE": "INTRASPINAL",
                "EXLOT": t.lot.lot_id,
                "EXLOC": t.injection_sites,
                "EXVAMT": t.volume_ul,
                "EXVAMTU": "uL",
                "EXSTDTC": when,
                "EXENDTC": when,
                "EXSTDY": dy,
                "EXENDY": dy,
            }
        )
        pr.append(
            {
                **_ids(trial, "PR", s),
                "PRSEQ": 1,
                "PRTRT": TRANSPLANT_PROCEDURE,
                "PRCAT": "STUDY PROCEDURE",
                "PRLOC": t.injection_sites,
                "PRSTDTC": when,
                "PRENDTC": when,
                "PRSTDY": dy,
                "PRENDY": dy,
            }
        )
        supp += supp_rows(
            trial.data.code, "PR", s.usubjid, "PRSEQ", "1", PRDEV, t.protocol_deviation
        )
    keys = ("STUDYID", "USUBJID", "EXTRT", "EXSTDTC")
    return (
        make_dataset(
            "EX",
            "Exposure",
            "One record per constant dosing interval per subject",
            keys,
            EX_VARIABLES,
            ex,
        ),
        make_dataset(
            "PR",
            "Procedures",
            "One record per recorded procedure per subject",
            ("STUDYID", "USUBJID", "PRTRT", "PRSTDTC"),
            PR_VARIABLES,
            pr,
        ),
        supp_dataset("PR", supp),
    )


# --------------------------------------------------------------------------- CM

CM_VARIABLES = (
    STUDYID,
    DOMAIN,
    USUBJID,
    seq("CM"),
    Variable("CMTRT", "Reported Name of Drug, Med, or Therapy", CHAR, "Req"),
    Variable("CMCAT", "Category for Medication", CHAR, "Perm", "Assigned"),
    Variable("CMSTDTC", "Start Date/Time of Medication", CHAR, "Perm"),
    Variable("CMENDTC", "End Date/Time of Medication", CHAR, "Perm"),
    day("CMSTDY", "Study Day of Start of Medication"),
    day("CMENDY", "Study Day of End of Medication"),
    Variable("CMENRTPT", "End Relative to Reference Time Point", CHAR, "Perm", "Derived", "ENRTPT"),
    Variable("CMENTPT", "End Reference Time Point", CHAR, "Perm", "Assigned"),
)
CMNOTE = Qualifier("CMNOTE", "Note on the Course")


def cm(trial: ExportTrial, subs: list[Subject]) -> tuple[Dataset, Dataset]:
    rows, supp = [], []
    for s in subs:
        courses = sorted(
            trial.extras_of(s.participant).courses, key=lambda c: (c.start_on, c.regimen)
        )
        for n, c in enumerate(courses, 1):
            rows.append(
                {
                    **_ids(trial, "CM", s),
                    "CMSEQ": n,
                    "CMTRT": c.regimen,
                    "CMCAT": "IMMUNOSUPPRESSION",
                    "CMSTDTC": iso(c.start_on),
                    "CMENDTC": iso(c.stop_on),
                    "CMSTDY": study_day(c.start_on, s.reference),
                    "CMENDY": study_day(c.stop_on, s.reference),
                    "CMENRTPT": "ONGOING" if c.stop_on is None else None,
                    "CMENTPT": "END OF DATA COLLECTION" if c.stop_on is None else None,
                }
            )
            supp += supp_rows(trial.data.code, "CM", s.usubjid, "CMSEQ", str(n), CMNOTE, c.note)
    data = make_dataset(
        "CM",
        "Concomitant/Concurrent Medications",
        "One record per recorded medication occurrence",
        ("STUDYID", "USUBJID", "CMSEQ"),
        CM_VARIABLES,
        rows,
    )
    return data, supp_dataset("CM", supp)


# --------------------------------------------------------------------------- AE

AE_VARIABLES = (
    STUDYID,
    DOMAIN,
    USUBJID,
    seq("AE"),
    Variable("AETERM", "Reported Term for the Adverse Event", CHAR, "Req"),
    Variable(
        "AEDECOD", "Dictionary-Derived Term", CHAR, "Req", "Derived", comment="not coded: empty"
    ),
    Variable("AESER", "Serious Event", CHAR, "Exp", codelist="NY"),
    Variable("AEREL", "Causality", CHAR, "Exp", codelist="REL", comment="relatedness to the cells"),
    Variable("AEOUT", "Outcome of Adverse Event", CHAR, "Perm", codelist="OUT"),
    Variable("AETOXGR", "Standard Toxicity Grade", CHAR, "Perm", codelist="TOXGR", comment="CTCAE"),
    Variable("AESTDTC", "Start Date/Time of Adverse Event", CHAR, "Exp"),
    Variable("AEENDTC", "End Date/Time of Adverse Event", CHAR, "Exp"),
    day("AESTDY", "Study Day of Start of Adverse Event"),
    day("AEENDY", "Study Day of End of Adverse Event"),
)
AERELSUR = Qualifier("AERELSU", "Relationship to Surgery")
AERELIS = Qualifier("AERELIS", "Relationship to Immunosuppression")
MEDDRA = Qualifier("AEMDRCD", "MedDRA Code as Reported by the Site")
ACTION = Qualifier("AEACTTX", "Action Taken (free text)")


def ae(trial: ExportTrial, subs: list[Subject]) -> tuple[Dataset, Dataset]:
    rows, supp = [], []
    for s in subs:
        p = s.participant
        details = trial.extras_of(p).adverse_events
        for n, a in enumerate(p.adverse_events, 1):
            rows.append(
                {
                    **_ids(trial, "AE", s),
                    "AESEQ": n,
                    "AETERM": a.term,
                    "AESER": _yn(a.serious),
                    "AEREL": RELATEDNESS[a.related_to_cells],
                    "AEOUT": AE_OUTCOME[a.outcome],
                    "AETOXGR": str(a.ctcae_grade),
                    "AESTDTC": iso(a.onset_date),
                    "AEENDTC": iso(a.resolution_date),
                    "AESTDY": study_day(a.onset_date, s.reference),
                    "AEENDY": study_day(a.resolution_date, s.reference),
                }
            )
            detail = details[n - 1] if n <= len(details) else None
            values = (
                (AERELSUR, RELATEDNESS[a.related_to_surgery]),
                (AERELIS, RELATEDNESS[a.related_to_immunosuppression]),
                (MEDDRA, detail.meddra_code if detail else None),
                (ACTION, detail.action_taken if detail else None),
            )
            for q, value in values:
                supp += supp_rows(trial.data.code, "AE", s.usubjid, "AESEQ", str(n), q, value)
    data = make_dataset(
        "AE",
        "Adverse Events",
        "One record per adverse event per subject",
        ("STUDYID", "USUBJID", "AESEQ"),
        AE_VARIABLES,
        rows,
    )
    return data, supp_dataset("AE", supp)
