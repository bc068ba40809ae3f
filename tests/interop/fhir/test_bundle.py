"""The FHIR R4 Bundle of the demo trial (built through the services) and of a generated
trial: every resource validates with the fhir.resources models (R4B, the R4-compatible
release: see docs/interop.md), every reference resolves inside the bundle, no names or
birth dates, every code is in the shipped CodeSystem; the service and the CLI option."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from regencord.cli.app import app
from regencord.demo import DEMO_TRIAL_CODE, build_demo
from regencord.interop.export_data import ExportTrial
from regencord.interop.fhir import build_bundle, bundle_json
from regencord.interop.fhir.codesystem import CANONICAL, codesystem, shipped_codesystem
from regencord.interop.sdtm.codes import ISNCSCI_CODES
from regencord.services.interop_export import ExportError, export_fhir
from regencord.store.db import Database
from tests.interop.sdtm.generated import LONG, demo_trial, generated_trial
from tests.services.followup_data import cli_url


@pytest.fixture(scope="module", params=["demo", "generated"])
def trial(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ExportTrial:
    if request.param == "demo":
        return demo_trial(tmp_path_factory.mktemp("demo"))
    return generated_trial()


@pytest.fixture(scope="module")
def bundle(trial: ExportTrial) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(bundle_json(build_bundle(trial)))
    return data


def _walk(node: object) -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_resource_validates_with_the_r4_models(bundle: dict[str, Any]) -> None:
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert bundle["type"] == "collection"


def test_every_reference_resolves_inside_the_bundle(bundle: dict[str, Any]) -> None:
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    references = [v for k, v in _walk(bundle) if k == "reference"]
    assert len(references) > 50
    assert set(references) <= set(full_urls)


def test_resources_of_each_kind(bundle: dict[str, Any], trial: ExportTrial) -> None:
    people = trial.data.participants
    transplanted = [p for p in people if p.transplant]
    assert len(_of(bundle, "Patient")) == len(_of(bundle, "ResearchSubject")) == len(people)
    assert len(_of(bundle, "ResearchStudy")) == 1 and len(_of(bundle, "CodeSystem")) == 1
    assert len(_of(bundle, "Procedure")) == len(transplanted)
    assert len(_of(bundle, "MedicationStatement")) == sum(
        len(trial.extras_of(p).courses) for p in people
    )
    assert len(_of(bundle, "AdverseEvent")) == sum(len(p.adverse_events) for p in people)
    panels = [o for o in _of(bundle, "Observation") if o["code"]["coding"][0]["code"] == "ISNCSCI"]
    assert len(panels) == sum(len(p.exams) for p in people)
    kinds = {"wisci", "scim", "ten_metre_walk", "six_minute_walk"}
    measures = sum(m.kind in kinds for p in people for m in p.measures)
    assert len(_of(bundle, "Observation")) == len(panels) + measures


def test_exam_panel_has_every_cell_and_result(bundle: dict[str, Any], trial: ExportTrial) -> None:
    p = next(p for p in trial.data.participants if p.exams)
    patient = next(r for r in _of(bundle, "Patient") if r["identifier"][0]["value"] == p.study_id)
    panel = next(
        o for o in _of(bundle, "Observation")
        if o["subject"]["reference"] == f"urn:uuid:{patient['id']}"
        and o["code"]["coding"][0]["code"] == "ISNCSCI"
    )  # fmt: skip
    point = p.exams[0]
    values = {c["code"]["coding"][0]["code"]: c for c in panel["component"]}
    non_key = sum(s.lowest_non_key_muscle is None for s in (point.exam.right, point.exam.left))
    assert len(values) == len(ISNCSCI_CODES) - non_key
    praxis = point.result.to_praxis()
    assert values["AIS"]["valueString"] == praxis["classification"]["ASIAImpairmentScale"]
    cell = point.exam.to_praxis()["left"]["pinPrick"]["S4_5"]
    got = values["LPPS45"].get("valueString", str(values["LPPS45"].get("valueInteger")))
    assert got == cell
    assert panel["effectiveDateTime"] == point.exam_date.isoformat()
    assert panel["extension"][0]["valueString"] == point.visit


def test_no_names_or_birth_dates(bundle: dict[str, Any], trial: ExportTrial) -> None:
    keys = {k for k, _ in _walk(bundle)}
    assert not {"name", "birthDate", "telecom", "address"} & {
        k for r in _of(bundle, "Patient") for k in r
    }
    assert "birthDate" not in keys
    for r in _of(bundle, "Patient"):
        assert set(r) <= {"resourceType", "id", "identifier", "gender", "meta"}
    if trial.data.synthetic:
        assert all(e["resource"]["meta"]["tag"][0]["code"] == "HTEST" for e in bundle["entry"])


def test_every_regencord_code_is_in_the_codesystem(bundle: dict[str, Any]) -> None:
    codes = {c["code"] for c in shipped_codesystem()["concept"]}
    used = [
        node["code"]
        for _, node in _walk(bundle)
        if isinstance(node, dict) and node.get("system") == CANONICAL and "code" in node
    ]
    assert used and set(used) <= codes


def test_adverse_event_relatedness(bundle: dict[str, Any], trial: ExportTrial) -> None:
    for ae in _of(bundle, "AdverseEvent"):
        ext = {e["url"].rsplit(":", 1)[1]: e for e in ae["extension"]}
        assert {"ctcae-grade", "related-to-cells", "related-to-surgery"} <= set(ext)
        grade = ext["ctcae-grade"]["valueInteger"]
        severity = ae["severity"]["coding"][0]["code"]
        assert severity == {1: "mild", 2: "moderate"}.get(grade, "severe")
        if ae["suspectEntity"]:
            kinds = {s["instance"]["reference"] for s in ae["suspectEntity"]}
            assert len(kinds) == len(ae["suspectEntity"])


def test_shipped_codesystem_is_current() -> None:
    assert shipped_codesystem() == codesystem()
    concepts = [c["code"] for c in codesystem()["concept"]]
    assert len(concepts) == len(set(concepts)) == codesystem()["count"]
    get_fhir_model_class("CodeSystem").model_validate(shipped_codesystem())


def test_bundle_is_deterministic() -> None:
    assert bundle_json(build_bundle(generated_trial())) == bundle_json(
        build_bundle(generated_trial())
    )


def test_service_and_cli(db: Database, tmp_path: Path) -> None:
    build_demo(db)
    out = tmp_path / "out" / "bundle.json"
    summary = export_fhir(db, DEMO_TRIAL_CODE, out, user="reader")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert summary.resources["Patient"] == 4 and len(data["entry"]) == sum(
        summary.resources.values()
    )
    with pytest.raises(ExportError, match="folder"):
        export_fhir(db, DEMO_TRIAL_CODE, tmp_path, user="reader")
    cli = tmp_path / "cli.json"
    args = ["export", "--trial", DEMO_TRIAL_CODE, "--format", "fhir", "--out", str(cli)]
    result = CliRunner().invoke(app, [*args, "--db", cli_url(db)])
    assert result.exit_code == 0, result.output
    assert "FHIR R4 Bundle" in result.stdout and "4 Patient" in result.stdout
    assert json.loads(cli.read_text(encoding="utf-8")) == data


def test_impairment_reasons_and_comments_in_the_exam_panels() -> None:
    trial = generated_trial()
    bundle = build_bundle(trial)
    panels = [o for o in _of(bundle, "Observation") if o["code"]["coding"][0]["code"] == "ISNCSCI"]
    details = [e for p in trial.data.participants for e in p.exams]
    tagged = [c for o in panels for c in o["component"] if "extension" in c]
    assert len(tagged) == sum(len(d.impairments) for d in details) > 10
    for c in tagged:
        value = c.get("valueString", str(c.get("valueInteger")))
        assert value.endswith("*")
        assert c["extension"][0]["url"].endswith(":impairment-reason")
    notes = [o["note"][0]["text"] for o in panels if "note" in o]
    assert len(notes) == sum(bool(d.comments) for d in details)
    assert set(notes) == {LONG}


def test_trial_code_with_spaces_gives_valid_identifier_systems() -> None:
    trial = generated_trial(participants=2)
    odd = ExportTrial(replace(trial.data, code="GEN 01/ä"), trial.extras)
    bundle = build_bundle(odd)
    Bundle.model_validate(bundle)
    (patient, *_) = _of(bundle, "Patient")
    assert patient["identifier"][0]["system"] == "urn:regencord:trial:GEN%2001%2F%C3%A4:study-id"
    get_fhir_model_class("Patient").model_validate(patient)
