"""One trial as a FHIR R4 Bundle (type ``collection``), from plain data
(:class:`~regencord.interop.export_data.ExportTrial`): regencord's CodeSystem, the
ResearchStudy (and sponsor Organization), and per participant Patient, ResearchSubject,
the transplant (Procedure, Medication, MedicationAdministration), immunosuppression
(MedicationStatement), Observations (ISNCSCI panels, WISCI II, SCIM III, 10MWT, 6MWT) and
AdverseEvents. Every reference is a ``urn:uuid`` full URL of an entry of the bundle.
Synthetic trials carry the HL7 ``HTEST`` (test health data) tag on every resource."""

from __future__ import annotations

import json
from typing import Any

from regencord.interop.export_data import ExportTrial
from regencord.interop.fhir import resources as r
from regencord.interop.fhir.codesystem import shipped_codesystem

__all__ = ["build_bundle", "bundle_json"]

SYNTHETIC_TAG = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
    "code": "HTEST",
    "display": "test health data",
}


def _resources(trial: ExportTrial, ids: r.Ids) -> list[r.Resource]:
    t = trial.data
    out: list[r.Resource] = [{**shipped_codesystem(), "id": ids.id("CodeSystem", "regencord")}]
    if t.sponsor:
        out.append(r.organization(ids, t.sponsor))
    out.append(r.research_study(ids, trial))
    lots: set[str] = set()
    for p in t.participants:
        extras = trial.extras_of(p)
        out += [r.patient(ids, p), r.research_subject(ids, trial, p)]
        if p.transplant:
            if p.transplant.lot.lot_id not in lots:
                lots.add(p.transplant.lot.lot_id)
                out.append(r.medication(ids, p.transplant))
            out.append(r.procedure(ids, p, p.transplant))
            out.append(r.administration(ids, p, p.transplant))
            out += [r.medication_statement(ids, p, n, c) for n, c in enumerate(extras.courses, 1)]
        for n, e in enumerate(p.exams, 1):
            detail = extras.exams[n - 1] if n <= len(extras.exams) else None
            out.append(r.exam_observation(ids, p, n, e, detail))
        for n, m in enumerate(p.measures, 1):
            obs = r.measure_observation(ids, p, n, m)
            if obs is not None:
                out.append(obs)
        for n, a in enumerate(p.adverse_events, 1):
            detail_ae = extras.adverse_events[n - 1] if n <= len(extras.adverse_events) else None
            meddra = detail_ae.meddra_code if detail_ae else None
            action = detail_ae.action_taken if detail_ae else None
            out.append(r.adverse_event(ids, trial, p, n, a, meddra, action))
    return out


def build_bundle(trial: ExportTrial) -> dict[str, Any]:
    """The Bundle as a JSON-ready dict."""
    ids = r.Ids(trial.data.code)
    entries = []
    for resource in _resources(trial, ids):
        if trial.data.synthetic:
            resource["meta"] = {"tag": [dict(SYNTHETIC_TAG)]}
        entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": ids.id("Bundle", trial.data.code),
        "type": "collection",
        "entry": entries,
    }
    if trial.data.synthetic:
        bundle["meta"] = {"tag": [dict(SYNTHETIC_TAG)]}
    return bundle


def bundle_json(bundle: dict[str, Any]) -> str:
    """Compact JSON on one line (indenting would make json fall back to its pure-Python
    encoder)."""
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":")) + "\n"
