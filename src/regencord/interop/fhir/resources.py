"""One FHIR R4 resource (as a JSON-ready dict) per regencord record.

Mappings (``docs/interop.md`` has the full table):

* Patient: the pseudonymous study id (identifier) and administrative gender only; no
  name, birth date, address or contact.
* ResearchStudy (trial) with its sponsor Organization; ResearchSubject per participant
  (status from the participant's status; arm ``CELLTX`` once transplanted).
* The transplant: Procedure (``CELLTX``, body site = injection sites) using the lot's
  Medication (``CELLPROD``, batch = lot number and expiry), and a MedicationAdministration
  of the cells (dose in cells, route intraspinal, volume in the dosage text).
* Immunosuppression: one MedicationStatement per course, part of the Procedure.
* Observations: each ISNCSCI exam as a panel (``ISNCSCI``) with one component per
  worksheet value and result, coded with the SDTM test codes (``valueInteger`` for a plain
  number, else ``valueString`` in Praxis notation; a tagged cell's non-SCI impairment
  reason and description as extensions of its component; the comments as the note);
  WISCI II, SCIM III (total with item
  and subscore components), 10MWT (seconds, speed and aid as components), 6MWT (metres).
* AdverseEvent: term (with the site's MedDRA code), onset, seriousness, severity from the
  CTCAE grade (1 mild, 2 moderate, 3-5 severe) with the exact grade as an extension,
  outcome, and relatedness to the cells, the surgery and the immunosuppression as
  extensions and as ``suspectEntity`` causality where the entity is in the bundle.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from regencord.interop.export_data import CourseRecord, ExamDetail, ExportTrial
from regencord.interop.fhir.codesystem import (
    CANONICAL,
    CELL_PRODUCT,
    EXTENSION,
    IMMUNOSUPPRESSION,
    IMPAIRMENT_CODE,
    ISNCSCI_PANEL,
    TRANSPLANT,
    WALKING_AID,
)
from regencord.interop.sdtm.codes import (
    SCIM_ITEMS,
    SCIM_SUBSCALES,
    SCIM_TOTAL,
    SIX_MINUTE,
    TEN_METRE_SPEED,
    TEN_METRE_TIME,
    WISCI,
    TestCode,
    cell_code,
    isncsci_values,
)
from regencord.outcomes.model import (
    AdverseEventPoint,
    ExamPoint,
    MeasurePoint,
    ParticipantData,
    TransplantInfo,
)

Resource = dict[str, Any]
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
UCUM = "http://unitsofmeasure.org"
SUBJECT_STATUS: Mapping[str, str] = {
    "screening": "screening",
    "enrolled": "on-study",
    "transplanted": "on-study-intervention",
    "completed": "off-study",
    "withdrawn": "withdrawn",
}
GENDER: Mapping[str, str] = {
    "female": "female",
    "male": "male",
    "other": "other",
    "unknown": "unknown",
}
AE_OUTCOME: Mapping[str, str] = {
    "recovered": "resolved",
    "recovering": "recovering",
    "not_recovered": "ongoing",
    "recovered_with_sequelae": "resolvedWithSequelae",
    "fatal": "fatal",
    "unknown": "unknown",
}


class Ids:
    """Deterministic ``urn:uuid`` full URLs (UUID 5 of trial, kind and key), so the same
    trial exports the same bundle."""

    def __init__(self, trial: str) -> None:
        self.trial = trial
        self.study_id_system = f"urn:regencord:trial:{quote(trial, safe='')}:study-id"
        """The identifier system of the trial's study ids (trial code percent-encoded)."""

    def id(self, kind: str, key: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{CANONICAL}/{self.trial}/{kind}/{key}"))

    def ref(self, kind: str, key: str) -> dict[str, str]:
        return {"reference": f"urn:uuid:{self.id(kind, key)}"}


def coding(code: tuple[str, str] | TestCode) -> dict[str, str]:
    c, display = (code.code, code.label) if isinstance(code, TestCode) else code
    return {"system": CANONICAL, "code": c, "display": display}


def concept(code: tuple[str, str] | TestCode) -> dict[str, Any]:
    return {"coding": [coding(code)]}


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": f"{TERMINOLOGY}observation-category", "code": code}]}]


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": f"{EXTENSION}{name}", **value}


def patient(ids: Ids, p: ParticipantData) -> Resource:
    return {
        "resourceType": "Patient",
        "id": ids.id("Patient", p.study_id),
        "identifier": [{"system": ids.study_id_system, "value": p.study_id}],
        "gender": GENDER[p.sex],
    }


def organization(ids: Ids, name: str) -> Resource:
    return {"resourceType": "Organization", "id": ids.id("Organization", name), "name": name}


def research_study(ids: Ids, trial: ExportTrial) -> Resource:
    t = trial.data
    done = t.participants and all(p.status in ("completed", "withdrawn") for p in t.participants)
    study: Resource = {
        "resourceType": "ResearchStudy",
        "id": ids.id("ResearchStudy", t.code),
        "identifier": [{"system": "urn:regencord:trial", "value": t.code}],
        "title": t.title,
        "status": "completed" if done else "active",
        "arm": [{"name": "CELLTX", "description": "Cell transplantation"}],
    }
    if t.registry_id:
        study["identifier"].append({"system": "urn:regencord:registry-id", "value": t.registry_id})
    if t.phase:
        study["phase"] = {"text": t.phase}
    if t.sponsor:
        study["sponsor"] = ids.ref("Organization", t.sponsor)
    return study


def research_subject(ids: Ids, trial: ExportTrial, p: ParticipantData) -> Resource:
    subject: Resource = {
        "resourceType": "ResearchSubject",
        "id": ids.id("ResearchSubject", p.study_id),
        "identifier": [{"system": ids.study_id_system, "value": p.study_id}],
        "status": SUBJECT_STATUS[p.status],
        "study": ids.ref("ResearchStudy", trial.data.code),
        "individual": ids.ref("Patient", p.study_id),
    }
    consent = trial.extras_of(p).consent_date
    if consent:
        subject["period"] = {"start": consent.isoformat()}
    if p.transplant:
        subject["assignedArm"] = subject["actualArm"] = "CELLTX"
    return subject


def medication(ids: Ids, t: TransplantInfo) -> Resource:
    return {
        "resourceType": "Medication",
        "id": ids.id("Medication", t.lot.lot_id),
        "code": {"coding": [coding(CELL_PRODUCT)], "text": f"{t.lot.cell_line} cells"},
        "batch": {"lotNumber": t.lot.lot_id, "expirationDate": t.lot.expires_on.isoformat()},
    }


def procedure(ids: Ids, p: ParticipantData, t: TransplantInfo) -> Resource:
    res: Resource = {
        "resourceType": "Procedure",
        "id": ids.id("Procedure", p.study_id),
        "status": "completed",
        "code": concept(TRANSPLANT),
        "subject": ids.ref("Patient", p.study_id),
        "performedDateTime": t.transplant_date.isoformat(),
        "bodySite": [{"text": t.injection_sites}],
        "usedReference": [ids.ref("Medication", t.lot.lot_id)],
    }
    if t.protocol_deviation:
        res["note"] = [{"text": f"Protocol deviation: {t.protocol_deviation}"}]
    return res


def administration(ids: Ids, p: ParticipantData, t: TransplantInfo) -> Resource:
    return {
        "resourceType": "MedicationAdministration",
        "id": ids.id("MedicationAdministration", p.study_id),
        "status": "completed",
        "medicationReference": ids.ref("Medication", t.lot.lot_id),
        "subject": ids.ref("Patient", p.study_id),
        "effectiveDateTime": t.transplant_date.isoformat(),
        "partOf": [ids.ref("Procedure", p.study_id)],
        "dosage": {
            "text": f"{t.dose_cells} cells in {t.volume_ul:g} uL",
            "site": {"text": t.injection_sites},
            "route": {"text": "intraspinal"},
            "dose": {"value": t.dose_cells, "unit": "cells"},
        },
    }


def medication_statement(ids: Ids, p: ParticipantData, n: int, c: CourseRecord) -> Resource:
    period = {"start": c.start_on.isoformat()}
    if c.stop_on:
        period["end"] = c.stop_on.isoformat()
    res: Resource = {
        "resourceType": "MedicationStatement",
        "id": ids.id("MedicationStatement", f"{p.study_id}/{n}"),
        "status": "active" if c.stop_on is None else "completed",
        "category": concept(IMMUNOSUPPRESSION),
        "medicationCodeableConcept": {"text": c.regimen},
        "subject": ids.ref("Patient", p.study_id),
        "effectivePeriod": period,
        "partOf": [ids.ref("Procedure", p.study_id)],
    }
    if c.note:
        res["note"] = [{"text": c.note}]
    return res


def _value(text: str) -> dict[str, Any]:
    return {"valueInteger": int(text)} if text.isdigit() else {"valueString": text}


def _observation(
    ids: Ids, p: ParticipantData, key: str, code: tuple[str, str] | TestCode, category: str,
    when: date, visit: str,
) -> Resource:  # fmt: skip
    return {
        "resourceType": "Observation",
        "id": ids.id("Observation", f"{p.study_id}/{key}"),
        "extension": [_ext("visit", valueString=visit)],
        "status": "final",
        "category": _category(category),
        "code": concept(code),
        "subject": ids.ref("Patient", p.study_id),
        "effectiveDateTime": when.isoformat(),
    }


def exam_observation(
    ids: Ids, p: ParticipantData, n: int, e: ExamPoint, detail: ExamDetail | None
) -> Resource:
    obs = _observation(ids, p, f"exam/{n}", ISNCSCI_PANEL, "exam", e.exam_date, e.visit)
    if detail:
        obs["method"] = {"text": f"regencord ISNCSCI engine {detail.engine_version}"}
    impaired = {cell_code(path): i for path, i in e.impairments.items()}
    components = []
    for test, value in isncsci_values(e.exam, e.result):
        if value is None:
            continue
        component: dict[str, Any] = {"code": concept(test), **_value(value)}
        impairment = impaired.get(test.code)
        if impairment is not None:
            reason = {"system": CANONICAL, "code": IMPAIRMENT_CODE[str(impairment.get("reason"))]}
            component["extension"] = [_ext("impairment-reason", valueCoding=reason)]
            other = impairment.get("other")
            if other:
                component["extension"].append(_ext("impairment-other", valueString=other))
        components.append(component)
    obs["component"] = components
    if e.comments:
        obs["note"] = [{"text": e.comments}]
    return obs


def _quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def measure_observation(ids: Ids, p: ParticipantData, n: int, m: MeasurePoint) -> Resource | None:
    key = f"measure/{n}"
    if m.kind == "wisci":
        obs = _observation(ids, p, key, WISCI, "exam", m.measure_date, m.visit)
        obs["valueInteger"] = int(m.value)
    elif m.kind == "scim":
        obs = _observation(ids, p, key, SCIM_TOTAL, "survey", m.measure_date, m.visit)
        obs["valueInteger"] = int(m.value)
        items = m.scim_items or {}
        obs["component"] = [
            {"code": concept(i.test), "valueInteger": int(items[i.key])}
            for i in SCIM_ITEMS
            if i.key in items
        ]
        if len(items) == len(SCIM_ITEMS):
            obs["component"] += [
                {
                    "code": concept(test),
                    "valueInteger": sum(int(items[i.key]) for i in SCIM_ITEMS if i.subscale == s),
                }
                for s, test in SCIM_SUBSCALES.items()
            ]
    elif m.kind == "ten_metre_walk":
        obs = _observation(ids, p, key, TEN_METRE_TIME, "exam", m.measure_date, m.visit)
        obs["valueQuantity"] = _quantity(m.value, "s", "s")
        obs["component"] = [
            {
                "code": concept(TEN_METRE_SPEED),
                "valueQuantity": _quantity(round(10.0 / m.value, 3), "m/s", "m/s"),
            }
        ]
    elif m.kind == "six_minute_walk":
        obs = _observation(ids, p, key, SIX_MINUTE, "exam", m.measure_date, m.visit)
        obs["valueQuantity"] = _quantity(m.value, "m", "m")
    else:
        return None
    if m.aid:
        obs.setdefault("component", []).append({"code": concept(WALKING_AID), "valueString": m.aid})
    return obs


_SEVERITY = {1: "mild", 2: "moderate"}


def adverse_event(
    ids: Ids, trial: ExportTrial, p: ParticipantData, n: int, a: AdverseEventPoint,
    meddra: str | None, action: str | None,
) -> Resource:  # fmt: skip
    event: dict[str, Any] = {"text": a.term}
    if meddra:
        event["coding"] = [{"system": f"{TERMINOLOGY}mdr", "code": meddra}]
    relatedness = {
        "cells": a.related_to_cells,
        "surgery": a.related_to_surgery,
        "immunosuppression": a.related_to_immunosuppression,
    }
    extension = [_ext("ctcae-grade", valueInteger=a.ctcae_grade)]
    extension += [
        _ext(f"related-to-{what}", valueCoding={"system": CANONICAL, "code": value})
        for what, value in relatedness.items()
    ]
    if a.resolution_date:
        extension.append(_ext("resolution-date", valueDate=a.resolution_date.isoformat()))
    if action:
        extension.append(_ext("action-taken", valueString=action))
    suspects: list[tuple[dict[str, str], str]] = []
    if p.transplant:
        suspects.append((ids.ref("MedicationAdministration", p.study_id), a.related_to_cells))
        suspects.append((ids.ref("Procedure", p.study_id), a.related_to_surgery))
        courses = trial.extras_of(p).courses
        suspects += [
            (ids.ref("MedicationStatement", f"{p.study_id}/{k}"), a.related_to_immunosuppression)
            for k in range(1, len(courses) + 1)
        ]
    return {
        "resourceType": "AdverseEvent",
        "id": ids.id("AdverseEvent", f"{p.study_id}/{n}"),
        "extension": extension,
        "actuality": "actual",
        "event": event,
        "subject": ids.ref("Patient", p.study_id),
        "date": a.onset_date.isoformat(),
        "seriousness": {
            "coding": [
                {
                    "system": f"{TERMINOLOGY}adverse-event-seriousness",
                    "code": "serious" if a.serious else "non-serious",
                }
            ]
        },
        "severity": {
            "coding": [
                {
                    "system": f"{TERMINOLOGY}adverse-event-severity",
                    "code": _SEVERITY.get(a.ctcae_grade, "severe"),
                }
            ]
        },
        "outcome": {
            "coding": [
                {"system": f"{TERMINOLOGY}adverse-event-outcome", "code": AE_OUTCOME[a.outcome]}
            ]
        },
        "suspectEntity": [
            {
                "instance": ref,
                "causality": [{"assessment": {"coding": [{"system": CANONICAL, "code": value}]}}],
            }
            for ref, value in suspects
        ],
        "study": [ids.ref("ResearchStudy", trial.data.code)],
    }
