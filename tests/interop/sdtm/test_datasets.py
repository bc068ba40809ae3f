"""SDTM-style datasets of the demo trial (built through the services) and of a generated
trial: required variables, unique keys, ISO 8601 dates, study days, SDTM's limits, code
lists, supplemental qualifiers, privacy."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from regencord.interop.export_data import ExportTrial
from regencord.interop.sdtm import build_datasets
from regencord.interop.sdtm.codelists import BY_ID
from regencord.interop.sdtm.codes import ALL_CODES, ISNCSCI_CODES
from regencord.interop.sdtm.dataset import Dataset, split_text, study_day
from regencord.isncsci import Exam
from tests.interop.sdtm.generated import LONG, REASONS, demo_trial, generated_trial

REQUIRED = {
    "DM": {"STUDYID", "DOMAIN", "USUBJID", "SUBJID", "RFSTDTC", "SITEID", "AGE", "AGEU", "SEX",
           "ARMCD", "ARM", "ACTARMCD", "ACTARM", "ARMNRS", "COUNTRY"},
    "SV": {"STUDYID", "DOMAIN", "USUBJID", "VISITNUM", "VISIT", "SVSTDTC", "SVENDTC"},
    "EX": {"STUDYID", "DOMAIN", "USUBJID", "EXSEQ", "EXTRT", "EXDOSE", "EXDOSU", "EXROUTE",
           "EXLOT", "EXSTDTC", "EXENDTC"},
    "PR": {"STUDYID", "DOMAIN", "USUBJID", "PRSEQ", "PRTRT", "PRSTDTC"},
    "CM": {"STUDYID", "DOMAIN", "USUBJID", "CMSEQ", "CMTRT", "CMSTDTC", "CMENDTC"},
    "AE": {"STUDYID", "DOMAIN", "USUBJID", "AESEQ", "AETERM", "AEDECOD", "AESER", "AEREL",
           "AETOXGR", "AESTDTC", "AEENDTC"},
    "RS": {"STUDYID", "DOMAIN", "USUBJID", "RSSEQ", "RSTESTCD", "RSTEST", "RSORRES",
           "RSSTRESC", "RSSTRESN", "VISITNUM", "RSDTC"},
    "QS": {"STUDYID", "DOMAIN", "USUBJID", "QSSEQ", "QSTESTCD", "QSTEST", "QSCAT", "QSORRES",
           "QSSTRESC", "QSSTRESN", "VISITNUM", "QSDTC"},
    "FT": {"STUDYID", "DOMAIN", "USUBJID", "FTSEQ", "FTTESTCD", "FTTEST", "FTORRES",
           "FTSTRESC", "FTSTRESN", "VISITNUM", "FTDTC"},
}  # fmt: skip
NOT_HELD = {("DM", "COUNTRY"), ("AE", "AEDECOD")}
"""Required variables regencord does not hold (documented): present, empty."""
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module", params=["demo", "generated"])
def trial(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ExportTrial:
    if request.param == "demo":
        return demo_trial(tmp_path_factory.mktemp("demo"))
    return generated_trial()


@pytest.fixture(scope="module")
def datasets(trial: ExportTrial) -> dict[str, Dataset]:
    return {d.name: d for d in build_datasets(trial)}


def _rows(d: Dataset) -> list[dict[str, object]]:
    return [dict(zip(d.names, row, strict=True)) for row in d.rows]


def test_every_domain_is_written_with_its_required_variables(datasets: dict[str, Dataset]) -> None:
    assert set(REQUIRED) <= set(datasets)
    for name, required in REQUIRED.items():
        d = datasets[name]
        assert required <= set(d.names), name
        assert d.rows, name
        for v in d.variables:
            if v.core == "Req" and (name, v.name) not in NOT_HELD:
                assert all(x is not None for x in d.column(v.name)), (name, v.name)
        assert set(d.column("DOMAIN")) == {name}


def test_keys_are_unique(datasets: dict[str, Dataset]) -> None:
    for d in datasets.values():
        keys = [tuple(r[k] for k in d.keys) for r in _rows(d)]
        assert len(keys) == len(set(keys)), d.name
        seqs = [n for n in d.names if n.endswith("SEQ") and n == f"{d.name}SEQ"]
        for s in seqs:
            pairs = Counter((r["USUBJID"], r[s]) for r in _rows(d))
            assert max(pairs.values()) == 1, d.name


def test_dates_are_iso_8601(datasets: dict[str, Dataset]) -> None:
    for d in datasets.values():
        for name in d.names:
            if name.endswith("DTC"):
                assert all(v is None or ISO_DATE.match(str(v)) for v in d.column(name)), name
    supp = datasets["SUPPDM"]
    injury = [r["QVAL"] for r in _rows(supp) if r["QNAM"] == "INJDTC"]
    assert injury and all(ISO_DATE.match(str(v)) for v in injury)


def test_study_days_count_from_the_transplant_with_no_day_zero(
    datasets: dict[str, Dataset],
) -> None:
    reference = {r["USUBJID"]: r["RFSTDTC"] for r in _rows(datasets["DM"])}
    checked = 0
    for d in datasets.values():
        for name in d.names:
            if not name.endswith("DY") or name == "DOMAIN":
                continue
            dtc = name[:-2] + "DTC"
            for r in _rows(d):
                ref, when, dy = reference[r["USUBJID"]], r[dtc], r[name]
                if ref is None or when is None:
                    assert dy is None
                    continue
                delta = (date.fromisoformat(str(when)) - date.fromisoformat(str(ref))).days
                assert dy == (delta + 1 if delta >= 0 else delta)
                assert dy != 0
                checked += 1
    assert checked > 100
    assert study_day(date(2025, 1, 1), date(2025, 1, 1)) == 1
    assert study_day(date(2024, 12, 31), date(2025, 1, 1)) == -1
    ex = _rows(datasets["EX"])
    assert all(r["EXSTDY"] == 1 and r["EXSTDTC"] == reference[r["USUBJID"]] for r in ex)


def test_sdtm_limits(datasets: dict[str, Dataset]) -> None:
    for d in datasets.values():
        assert len(d.name) <= 8 and len(d.label) <= 40
        for v in d.variables:
            assert len(v.name) <= 8 and v.name.isalnum() and v.name == v.name.upper()
            assert len(v.label) <= 40
            assert d.length(v) <= 200
    for t in ALL_CODES:
        assert len(t.code) <= 8 and len(t.label) <= 40
    assert len({t.code for t in ALL_CODES}) == len(ALL_CODES)


def test_coded_values_are_in_their_code_lists(datasets: dict[str, Dataset]) -> None:
    for d in datasets.values():
        for v in d.variables:
            if v.codelist:
                values = {x for x in d.column(v.name) if x is not None}
                assert values <= BY_ID[v.codelist].values, (d.name, v.name, values)


def test_no_names_or_birth_dates(datasets: dict[str, Dataset], trial: ExportTrial) -> None:
    dm = datasets["DM"]
    assert not {"BRTHDTC", "INVNAM", "SUBJNAME"} & set(dm.names)
    for r in _rows(dm):
        p = next(p for p in trial.data.participants if p.study_id == r["SUBJID"])
        assert r["USUBJID"] == f"{trial.data.code}-{p.site}-{p.study_id}"
        assert r["AGE"] == p.age_at_injury and r["AGEU"] == "YEARS"


def test_rs_has_one_row_per_worksheet_value_and_result(
    datasets: dict[str, Dataset], trial: ExportTrial
) -> None:
    rs = _rows(datasets["RS"])
    p = next(p for p in trial.data.participants if p.exams)
    usubjid = f"{trial.data.code}-{p.site}-{p.study_id}"
    first = {r["RSTESTCD"]: r for r in rs if r["USUBJID"] == usubjid and r["RSGRPID"] == "EXAM1"}
    point = p.exams[0]
    nkm = sum(side.lowest_non_key_muscle is None for side in (point.exam.right, point.exam.left))
    assert len(first) == len(ISNCSCI_CODES) - nkm == 134 + 2 + 11 + 15 - nkm
    praxis = point.result.to_praxis()
    assert first["AIS"]["RSORRES"] == praxis["classification"]["ASIAImpairmentScale"]
    assert first["NLI"]["RSORRES"] == praxis["classification"]["neurologicalLevelOfInjury"]
    assert first["RMOC5"]["RSORRES"] == point.exam.to_praxis()["right"]["motor"]["C5"]
    assert first["RLTC2"]["RSSCAT"] == "WORKSHEET" and first["AIS"]["RSDRVFL"] == "Y"
    for r in first.values():  # numbers only where the notation is a plain number
        text = str(r["RSORRES"])
        assert r["RSSTRESN"] == (int(text) if text.isdigit() else None)
    raw: dict[str, Any] = {}
    for r in first.values():  # the worksheet reads back from the RS rows
        if r["RSSCAT"] == "WORKSHEET" and r["RSTESTCD"] not in ("VAC", "DAP", "RNKM", "LNKM"):
            code = str(r["RSTESTCD"])
            side = "right" if code[0] == "R" else "left"
            grid = {"LT": "lightTouch", "PP": "pinPrick", "MO": "motor"}[code[1:3]]
            level = code[3:] if code[3:] != "S45" else "S4_5"
            raw.setdefault(side, {}).setdefault(grid, {})[level] = r["RSORRES"]
    raw["voluntaryAnalContraction"] = first["VAC"]["RSORRES"]
    raw["deepAnalPressure"] = first["DAP"]["RSORRES"]
    for side, code in (("right", "RNKM"), ("left", "LNKM")):
        if code in first:
            raw[side]["lowestNonKeyMuscleWithMotorFunction"] = first[code]["RSORRES"]
    assert Exam.from_praxis(raw) == point.exam


def test_scim_and_walking_tests(datasets: dict[str, Dataset], trial: ExportTrial) -> None:
    qs = _rows(datasets["QS"])
    first = [r for r in qs if r["QSGRPID"] == "SCIM1" and r["USUBJID"] == qs[0]["USUBJID"]]
    items = [r for r in first if r["QSSCAT"] == "ITEM"]
    total = next(r for r in first if r["QSTESTCD"] == "SCIMTOT")
    subscores = [r for r in first if r["QSSCAT"] == "SUBSCORE"]
    assert len(items) == 19 and len(subscores) == 3
    assert total["QSSTRESN"] == sum(float(str(r["QSSTRESN"])) for r in items)
    assert total["QSSTRESN"] == sum(float(str(r["QSSTRESN"])) for r in subscores)
    ft = _rows(datasets["FT"])
    assert {r["FTTESTCD"] for r in ft} >= {"WISCI2", "TENMWT", "TENMWSPD"}
    for r in ft:
        if r["FTTESTCD"] == "TENMWSPD":
            time = next(
                x for x in ft
                if x["USUBJID"] == r["USUBJID"] and x["FTGRPID"] == r["FTGRPID"]
                and x["FTTESTCD"] == "TENMWT"
            )  # fmt: skip
            assert r["FTSTRESN"] == pytest.approx(10 / float(str(time["FTSTRESN"])), abs=1e-3)
    custom = sum(m.kind == "custom" for p in trial.data.participants for m in p.measures)
    assert len(ft) == sum(
        {"wisci": 1, "ten_metre_walk": 2, "six_minute_walk": 1}.get(m.kind, 0)
        for p in trial.data.participants
        for m in p.measures
    ), custom


def test_long_text_is_split_in_supplemental_qualifiers() -> None:
    datasets = {d.name: d for d in build_datasets(generated_trial())}
    supp = _rows(datasets["SUPPCM"])
    pieces = sorted(
        (r for r in supp if str(r["QNAM"]).startswith("CMNOTE") and r["IDVARVAL"] == "1"
         and r["USUBJID"] == supp[0]["USUBJID"]),
        key=lambda r: (len(str(r["QNAM"])), str(r["QNAM"])),
    )  # fmt: skip
    assert len(LONG.encode()) == 420  # three pieces of at most 200 bytes
    assert [r["QNAM"] for r in pieces] == ["CMNOTE", "CMNOTE1", "CMNOTE2"]
    assert "".join(str(r["QVAL"]) for r in pieces) == LONG.rstrip()  # SAS drops trailing blanks
    assert not any(str(r["QVAL"]).endswith(" ") for r in supp)
    assert all(len(str(r["QVAL"]).encode()) <= 200 for r in supp)
    assert split_text("ab" * 150) == ["ab" * 100, "ab" * 50]
    wd = [r for r in _rows(datasets["SUPPDM"]) if str(r["QNAM"]).startswith("WDREAS")]
    assert wd and {r["QNAM"] for r in wd} == {"WDREAS", "WDREAS1", "WDREAS2"}


def test_generated_edge_cases() -> None:
    datasets = {d.name: d for d in build_datasets(generated_trial())}
    dm = {r["SUBJID"]: r for r in _rows(datasets["DM"])}
    assert dm["G004"]["ARMNRS"] == "NOT ASSIGNED" and dm["G004"]["RFSTDTC"] is None
    assert dm["G005"]["ARMNRS"] == "SCREEN FAILURE" and dm["G005"]["ARMCD"] is None
    assert dm["G003"]["SEX"] == "UNDIFFERENTIATED" and dm["G001"]["ARMCD"] == "CELLTX"
    sv = [r for r in _rows(datasets["SV"]) if r["SVOCCUR"] == "N"]
    assert sv and all(r["SVREASOC"] and r["SVSTDTC"] is None for r in sv)
    cm = _rows(datasets["CM"])
    ongoing = [r for r in cm if r["CMENDTC"] is None]
    assert ongoing and all(r["CMENRTPT"] == "ONGOING" and r["CMSTDY"] == -2 for r in ongoing)
    ae = _rows(datasets["AE"])
    assert {r["AESTDY"] for r in ae} == {-1, 2}
    supp_ae = _rows(datasets["SUPPAE"])
    assert {r["QNAM"] for r in supp_ae} >= {"AERELSU", "AERELIS", "AEMDRCD", "AEACTTX"}


def test_supp_rows_point_at_parent_records(datasets: dict[str, Dataset]) -> None:
    for name, d in datasets.items():
        if not name.startswith("SUPP"):
            continue
        parent = datasets[name[4:]]
        for r in _rows(d):
            if r["IDVAR"] is None:
                assert r["USUBJID"] in set(parent.column("USUBJID"))
                continue
            matches = [
                p for p in _rows(parent)
                if p["USUBJID"] == r["USUBJID"] and str(p[str(r["IDVAR"])]) == r["IDVARVAL"]
            ]  # fmt: skip
            assert matches, (name, r)


def test_written_files_are_the_datasets(trial: ExportTrial, tmp_path: Path) -> None:
    from regencord.interop.sdtm.files import write_folder

    files = write_folder(trial, build_datasets(trial), tmp_path)
    assert {p.name for p in files} >= {"dm.csv", "dm.xpt", "rs.xpt", "define.json", "define.html"}


def test_impairment_reasons_and_comments() -> None:
    trial = generated_trial()
    datasets = {d.name: d for d in build_datasets(trial)}
    rs = {(r["USUBJID"], r["RSSEQ"]): r for r in _rows(datasets["RS"])}
    supp = _rows(datasets["SUPPRS"])
    reasons = [r for r in supp if r["QNAM"] == "IMPRSN"]
    expected = [
        (p, i) for p in trial.data.participants for e in p.exams for i in e.impairments.values()
    ]
    assert len(reasons) == len(expected) > 10
    assert {r["QVAL"] for r in reasons} == set(REASONS)
    for r in reasons:
        cell = rs[(r["USUBJID"], int(str(r["IDVARVAL"])))]
        assert str(cell["RSORRES"]).endswith("*") and cell["RSSCAT"] == "WORKSHEET"
    others = [r for r in supp if r["QNAM"] == "IMPOTH"]
    assert others and {r["QVAL"] for r in others} == {"burn scar"}
    co = _rows(datasets["CO"])
    commented = sum(bool(e.comments) for p in trial.data.participants for e in p.exams)
    assert len(co) == commented
    assert all(
        "".join(str(r[k]) for k in ("COVAL", "COVAL1", "COVAL2")) == LONG.rstrip() for r in co
    )
    groups = {(r["USUBJID"], r["RSGRPID"]) for r in rs.values()}
    assert all((r["USUBJID"], r["IDVARVAL"]) in groups and r["RDOMAIN"] == "RS" for r in co)


def test_scim_items_match_the_measures_service_and_codes_are_documented() -> None:
    from regencord.interop.sdtm.codes import SCIM_ITEMS
    from regencord.services import measures

    assert [(i.key, i.number, i.subscale) for i in SCIM_ITEMS] == [
        (i.key, i.number, i.subscale) for i in measures.SCIM_ITEMS
    ]
    doc = (Path(__file__).parents[3] / "docs" / "interop.md").read_text(encoding="utf-8")
    for t in ALL_CODES:
        if t.subcategory != "WORKSHEET" or t.code in ("VAC", "DAP", "RNKM", "LNKM"):
            assert f"`{t.code}` | {t.label} |" in doc, t.code
