"""The files of an SDTM-style export: XPT (version 5) reads back identical to the CSV and to
the data; the specification describes every dataset and code list; the service writes
the folder all at once and refuses a non-empty one; impairment reasons and comments stored
with an exam reach SUPPRS, CO and the FHIR panel; the CLI option."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyreadstat
import pytest
from typer.testing import CliRunner

from regencord.cli.app import app
from regencord.demo import DEMO_TRIAL_CODE, build_demo
from regencord.interop.fhir.codesystem import CANONICAL
from regencord.interop.sdtm import build_datasets
from regencord.interop.sdtm.files import read_xpt_text, text, write_folder
from regencord.services import exams
from regencord.services.errors import NotFound
from regencord.services.interop_export import (
    ExportError,
    export_fhir,
    export_sdtm,
    show_export_trial,
)
from regencord.store.db import Database
from tests.exam_files import c5_incomplete_exam
from tests.interop.sdtm.generated import generated_trial
from tests.services.followup_data import TRIAL, USER, cli_url, setup_trial


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sdtm")
    write_folder(generated_trial(), build_datasets(generated_trial()), folder)
    return folder


def _csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def test_xpt_reads_back_identical_to_the_csv_and_the_data(written: Path) -> None:
    datasets = build_datasets(generated_trial())
    for d in datasets:
        stem = d.name.lower()
        header, rows = _csv(written / f"{stem}.csv")
        assert header == d.names
        assert rows == [[text(v) for v in row] for row in d.rows]
        xpt_header, xpt_rows = read_xpt_text(written / f"{stem}.xpt")
        assert xpt_header == header and xpt_rows == rows, d.name
        _, meta = pyreadstat.read_xport(str(written / f"{stem}.xpt"), metadataonly=True)
        assert meta.table_name == d.name and meta.file_label == d.label
        assert meta.column_names_to_labels == {v.name: v.label for v in d.variables}


def test_xpt_is_sas_transport_version_5(written: Path) -> None:
    head = (written / "dm.xpt").read_bytes()[:80]
    assert head.startswith(b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!")


def test_specification_describes_every_dataset(written: Path) -> None:
    spec = json.loads((written / "define.json").read_text(encoding="utf-8"))
    datasets = {d.name: d for d in build_datasets(generated_trial())}
    assert [d["name"] for d in spec["datasets"]] == list(datasets)
    lists = {c["id"]: c for c in spec["codelists"]}
    for entry in spec["datasets"]:
        d = datasets[entry["name"]]
        assert entry["records"] == len(d.rows) and entry["keys"] == list(d.keys)
        assert [v["name"] for v in entry["variables"]] == d.names
        for v in entry["variables"]:
            assert v["type"] in ("Char", "Num") and 1 <= v["length"] <= 200
            assert v["codelist"] is None or v["codelist"] in lists
            longest = max((len(x.encode()) for x in _column(written, entry, v["name"])), default=1)
            assert v["type"] == "Num" or v["length"] == max(longest, 1)
    assert {"RSTESTCD", "QSTESTCD", "FTTESTCD", "SEX", "NY", "REL"} <= set(lists)
    assert any(t["code"] == "AIS" for t in lists["RSTESTCD"]["terms"])
    page = (written / "define.html").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in page and 'id="CL.RSTESTCD"' in page and ">RSORRES<" in page


def _column(folder: Path, entry: dict[str, object], name: str) -> list[str]:
    header, rows = _csv(folder / str(entry["files"]["csv"]))  # type: ignore[index]
    i = header.index(name)
    return [r[i] for r in rows]


def test_service_exports_the_demo_trial(db: Database, tmp_path: Path) -> None:
    build_demo(db)
    target = tmp_path / "out" / "sdtm"
    summary = export_sdtm(db, DEMO_TRIAL_CODE, target, user="reader")
    expected = build_datasets(show_export_trial(db, DEMO_TRIAL_CODE, user="reader"))
    assert summary.records == {d.name: len(d.rows) for d in expected}
    exams = [
        e.exam
        for p in show_export_trial(db, DEMO_TRIAL_CODE, user="reader").data.participants
        for e in p.exams
    ]
    non_key = sum(s.lowest_non_key_muscle is not None for e in exams for s in (e.right, e.left))
    assert summary.records["DM"] == 4 and summary.records["RS"] == 160 * len(exams) + non_key
    for d in expected:
        _, rows = _csv(target / f"{d.name.lower()}.csv")
        assert rows == [[text(v) for v in row] for row in d.rows]
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]
    with pytest.raises(ExportError, match="not an empty folder"):
        export_sdtm(db, DEMO_TRIAL_CODE, target, user="reader")
    with pytest.raises(NotFound):
        export_sdtm(db, "NO-SUCH", tmp_path / "other", user="reader")
    assert not (tmp_path / "other").exists()


def test_cli_export_sdtm(db: Database, tmp_path: Path) -> None:
    build_demo(db)
    out = tmp_path / "sdtm"
    args = ["export", "--trial", DEMO_TRIAL_CODE, "--format", "sdtm", "--db", cli_url(db)]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "SDTM-style datasets" in result.stdout and (out / "rs.xpt").exists()
    again = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert again.exit_code == 2 and "not an empty folder" in again.stderr
    assert "Traceback" not in again.output
    missing = CliRunner().invoke(app, args)
    assert missing.exit_code == 2 and "--out" in missing.stderr


def test_stored_impairment_reasons_and_comments_reach_both_exports(
    db: Database, tmp_path: Path
) -> None:
    setup_trial(db)
    exam = c5_incomplete_exam(None)
    exam["right"]["motor"]["C6"] = "3**"
    exam["left"]["pinPrick"]["T4"] = "NT*"
    reasons = {
        "right.motor.C6": {"reason": "plexopathy"},
        "left.pinPrick.T4": {"reason": "other", "other": "burn scar"},
    }
    exams.record_exam(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline", exam=exam,
        exam_date="2024-01-10", impairments=reasons, comments="spasticity, limited exam",
    )  # fmt: skip
    export_sdtm(db, TRIAL, tmp_path / "sdtm", user="reader")
    header, rows = _csv(tmp_path / "sdtm" / "supprs.csv")
    supp = [dict(zip(header, r, strict=True)) for r in rows]
    header, rows = _csv(tmp_path / "sdtm" / "rs.csv")
    rs = {r[header.index("RSSEQ")]: dict(zip(header, r, strict=True)) for r in rows}
    found = {
        (rs[r["IDVARVAL"]]["RSTESTCD"], rs[r["IDVARVAL"]]["RSORRES"], r["QNAM"], r["QVAL"])
        for r in supp
        if r["IDVAR"] == "RSSEQ"
    }
    assert found == {
        ("RMOC6", "3**", "IMPRSN", "plexopathy"),
        ("LPPT4", "NT*", "IMPRSN", "other"),
        ("LPPT4", "NT*", "IMPOTH", "burn scar"),
    }
    header, rows = _csv(tmp_path / "sdtm" / "co.csv")
    assert [r[header.index("COVAL")] for r in rows] == ["spasticity, limited exam"]
    export_fhir(db, TRIAL, tmp_path / "bundle.json", user="reader")
    bundle = json.loads((tmp_path / "bundle.json").read_text(encoding="utf-8"))
    (panel,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    assert panel["note"] == [{"text": "spasticity, limited exam"}]
    tagged = {
        c["code"]["coding"][0]["code"]: [
            x.get("valueCoding", x.get("valueString")) for x in c["extension"]
        ]
        for c in panel["component"]
        if "extension" in c
    }
    assert tagged == {
        "RMOC6": [{"system": CANONICAL, "code": "plexopathy"}],
        "LPPT4": [{"system": CANONICAL, "code": "other-impairment"}, "burn scar"],
    }
