"""Cell lines, lots, QC results against their specifications, release and rejection."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from regencord.services import product
from regencord.services.errors import InvalidInput, NotFound
from regencord.store.db import Database
from regencord.store.models import LotDecision, QcResult
from tests.services.product_builders import (
    LINE,
    LOT,
    USER,
    add_line,
    add_lot,
    audit_rows,
    count,
    record_passing_qc,
    released_lot,
)

RELEASE = {"decided_by": "Dr A. Tanaka", "decided_on": "2025-02-05"}


def qc(db: Database, assay: str, **fields: object) -> product.QcView:
    data = {"assay": assay, "tested_on": "2025-02-03", **fields}
    shown, _ = product.record_qc(db, user=USER, lot_id=LOT, data=data)
    return shown


def messages(error: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [str(p) for p in error.value.problems]


@pytest.fixture
def lot(db: Database) -> Database:
    add_line(db)
    add_lot(db)
    return db


# --- lines and lots -------------------------------------------------------------------------


def test_line_and_lot_are_registered_and_audited(db: Database) -> None:
    add_line(db)
    add_lot(db)
    shown = product.show_lot(db, LOT, user="reader")
    assert (shown.lot_id, shown.line_id, shown.passage) == (LOT, LINE, 12)
    assert shown.status == "awaiting release"
    assert product.show_line(db, LINE, user="reader").lots == (LOT,)
    rows = audit_rows(db, "lot")
    assert {r.field for r in rows} >= {"lot_id", "passage", "manufactured_on", "expires_on"}
    assert {(r.action, r.user) for r in rows} == {("insert", USER)}


def test_duplicate_line_and_lot_are_refused(lot: Database) -> None:
    with pytest.raises(InvalidInput, match="cell line CIRA-HLA-01: line_id: 'CIRA-HLA-01' is"):
        add_line(lot)
    with pytest.raises(InvalidInput, match="lot NSPC-0021: lot_id: 'NSPC-0021' is already used"):
        add_lot(lot)


def test_lot_of_an_unknown_line_is_refused(db: Database) -> None:
    with pytest.raises(InvalidInput) as error:
        add_lot(db, line_id="NOPE")
    assert messages(error) == ["lot NSPC-0021: line: 'NOPE' is not a registered cell line"]
    assert count(db, "lot") == 0


@pytest.mark.parametrize(
    ("manufactured", "expires", "expected"),
    [
        ("2025-02-01", "2025-02-01", "expires_on: '2025-02-01' is not after manufactured_on"),
        ("2025-02-30", "2025-03-01", "manufactured_on: '2025-02-30' is not a valid date"),
        ("01/02/2025", "2025-03-01", "manufactured_on: '01/02/2025' is not a valid date"),
    ],
)
def test_lot_dates_are_checked(
    db: Database, manufactured: str, expires: str, expected: str
) -> None:
    add_line(db)
    with pytest.raises(InvalidInput, match=expected):
        add_lot(db, manufactured=manufactured, expires=expires)


def test_lot_manufactured_in_the_future_is_refused(db: Database) -> None:
    add_line(db)
    later = date.today() + timedelta(days=3)
    with pytest.raises(InvalidInput, match=r"manufactured_on: .* is in the future"):
        add_lot(db, manufactured=later.isoformat(), expires=(later + timedelta(30)).isoformat())


def test_unknown_lot_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="lot 'NSPC-9999' does not exist"):
        product.show_lot(db, "NSPC-9999", user="reader")


# --- QC results and their specifications ----------------------------------------------------


def test_numeric_result_within_its_minimum_passes(lot: Database) -> None:
    shown = qc(lot, "viability", value=92.5, spec_min=70)
    assert shown.passed
    assert (shown.unit, shown.result_text, shown.specification_text) == ("%", "92.5 %", "≥ 70 %")


def test_numeric_result_outside_its_specification_is_recorded_as_failed(lot: Database) -> None:
    shown = qc(lot, "viability", value=65, spec_min=70)
    assert not shown.passed
    assert str(shown) == "viability: 65 % (spec ≥ 70 %) FAIL, tested 2025-02-03"
    assert count(lot, "qc_result") == 1


def test_range_specification(lot: Database) -> None:
    assert qc(lot, "ph", value=7.4, spec_min=7.0, spec_max=7.6).passed
    assert not qc(lot, "ph", value=7.7, spec_min=7.0, spec_max=7.6).passed
    assert qc(lot, "ph", value=7.6, spec_min=7.0, spec_max=7.6).specification_text == "7–7.6"


def test_text_result_is_compared_without_case_or_extra_blanks(lot: Database) -> None:
    assert qc(lot, "sterility", result="No  Growth", expected="no growth").passed
    assert not qc(lot, "mycoplasma", result="positive", expected="negative").passed


def test_assay_names_are_normalised(lot: Database) -> None:
    assert qc(lot, "Cell count", value=2e7, spec_min=1e7).assay == "cell_count"
    assert qc(lot, "residual-undifferentiated", value=0.01, spec_max=0.1).assay == (
        "undifferentiated_marker"
    )
    assert qc(lot, "Flow CD56+", value=85, unit="%", spec_min=60).assay == "flow_cd56+"


@pytest.mark.parametrize(
    ("assay", "fields", "expected"),
    [
        ("viability", {"value": 90}, "specification is missing"),
        ("viability", {"value": 120, "spec_min": 70}, "value: 120.0 is outside the possible"),
        ("viability", {"result": "good", "spec_min": 70}, "value is missing: a minimum"),
        ("viability", {"result": "good", "expected": "good"}, "viability needs a number"),
        ("sterility", {"value": 0, "spec_max": 0}, "expected is missing: sterility is a text"),
        ("endotoxin", {"value": 0.2, "spec_min": 1, "spec_max": 0.5}, "spec_max: 0.5 is below"),
        ("custom", {"spec_min": 1}, "value is missing: give a number or a text result"),
        ("karyotype", {"value": 46, "expected": "normal"}, "result is missing"),
        ("viability", {"value": "nan", "spec_min": 70}, "value: 'nan' input should be a finite"),
        ("viability", {"value": "high", "spec_min": 70}, "value: 'high' input should be a valid"),
        ("bad name!", {"value": 1, "spec_min": 0}, "assay: 'bad name!' is not an assay name"),
    ],
)
def test_inconsistent_results_and_specifications_are_refused(
    lot: Database, assay: str, fields: dict[str, object], expected: str
) -> None:
    with pytest.raises(InvalidInput, match=expected):
        qc(lot, assay, **fields)
    assert count(lot, "qc_result") == 0


def test_qc_dates_are_checked(lot: Database) -> None:
    with pytest.raises(InvalidInput, match="tested_on: '2025-01-31' is before the lot was"):
        qc(lot, "viability", value=90, spec_min=70, tested_on="2025-01-31")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    with pytest.raises(InvalidInput, match=r"tested_on: .* is in the future"):
        qc(lot, "viability", value=90, spec_min=70, tested_on=tomorrow)


def test_meets_specification_needs_every_bound() -> None:
    result = QcResult(assay="x", value=5.0, spec_min=1.0, spec_max=4.0)
    assert not result.meets_specification
    result.value = 4.0
    assert result.meets_specification
    both = QcResult(assay="x", value=5.0, text_result="ok", spec_min=1.0, spec_expected="ok")
    assert both.meets_specification
    both.text_result = "not ok"
    assert not both.meets_specification


# --- release --------------------------------------------------------------------------------


def test_lot_with_every_required_assay_passing_is_released(lot: Database) -> None:
    record_passing_qc(lot)
    assert product.show_lot(lot, LOT, user="reader").releasable
    shown = product.release_lot(lot, user=USER, lot_id=LOT, data=RELEASE | {"note": "ok"})
    assert shown.status == "released"
    assert str(shown.decisions[-1]) == "released by Dr A. Tanaka on 2025-02-05 (ok)"
    [row] = [r for r in audit_rows(lot, "release_decision") if r.field == "decision"]
    assert (row.action, row.user, row.new_value) == ("insert", USER, "released")


def test_release_is_refused_naming_every_missing_assay(lot: Database) -> None:
    record_passing_qc(lot, skip=("karyotype", "mycoplasma"))
    with pytest.raises(InvalidInput) as error:
        product.release_lot(lot, user=USER, lot_id=LOT, data=RELEASE)
    assert messages(error) == [
        "lot NSPC-0021: QC: 'mycoplasma' is a required assay with no result: release refused",
        "lot NSPC-0021: QC: 'karyotype' is a required assay with no result: release refused",
    ]
    assert count(lot, "release_decision") == 0


def test_release_is_refused_naming_every_failed_result(lot: Database) -> None:
    record_passing_qc(lot, skip=("viability",))
    qc(lot, "viability", value=65, spec_min=70)
    qc(lot, "sterility", result="growth", expected="no growth", tested_on="2025-02-04")
    with pytest.raises(InvalidInput) as error:
        product.release_lot(lot, user=USER, lot_id=LOT, data=RELEASE)
    assert messages(error) == [
        "lot NSPC-0021: QC viability: '65 %' (tested 2025-02-03) fails its specification "
        "≥ 70 %: release refused",
        "lot NSPC-0021: QC sterility: 'growth' (tested 2025-02-04) fails its specification "
        "no growth: release refused",
    ]
    assert product.show_lot(lot, LOT, user="reader").status == "awaiting release"
    assert count(lot, "release_decision") == 0


def test_a_passing_retest_does_not_hide_a_failed_result(lot: Database) -> None:
    record_passing_qc(lot)
    qc(lot, "endotoxin", value=0.9, spec_max=0.5)
    with pytest.raises(InvalidInput, match=r"QC endotoxin: '0\.9 EU/mL'"):
        product.release_lot(lot, user=USER, lot_id=LOT, data=RELEASE)


def test_release_dates_are_checked(lot: Database) -> None:
    record_passing_qc(lot, tested_on="2025-02-04")
    with pytest.raises(InvalidInput, match="decided_on: '2025-02-03' is before the last QC"):
        product.release_lot(lot, user=USER, lot_id=LOT, data=RELEASE | {"decided_on": "2025-02-03"})
    with pytest.raises(InvalidInput, match="decided_on: '2025-04-01' is after the lot expired"):
        product.release_lot(lot, user=USER, lot_id=LOT, data=RELEASE | {"decided_on": "2025-04-01"})
    with pytest.raises(InvalidInput, match="decided_by: ' ' string should have at least"):
        product.release_lot(lot, user=USER, lot_id=LOT, data=RELEASE | {"decided_by": " "})


def test_release_twice_is_refused(db: Database) -> None:
    released_lot(db)
    with pytest.raises(InvalidInput, match="'released' is already recorded"):
        product.release_lot(db, user=USER, lot_id=LOT, data=RELEASE)


# --- rejection ------------------------------------------------------------------------------


def test_rejection_can_be_recorded_without_qc(lot: Database) -> None:
    data = {"decided_by": "Dr A. Tanaka", "decided_on": "2025-02-02", "note": "vial broken"}
    shown = product.reject_lot(lot, user=USER, lot_id=LOT, data=data)
    assert shown.status == "rejected"
    assert shown.decisions[-1].decision is LotDecision.REJECTED


def test_rejection_needs_a_note(lot: Database) -> None:
    with pytest.raises(InvalidInput, match="lot NSPC-0021 rejection: note"):
        product.reject_lot(lot, user=USER, lot_id=LOT, data={"decided_by": "Dr A. Tanaka"})


def test_released_lot_can_be_rejected_later_and_never_released_again(db: Database) -> None:
    released_lot(db)
    recall = {"decided_by": "QA", "decided_on": "2025-02-10", "note": "late sterility positive"}
    assert product.reject_lot(db, user=USER, lot_id=LOT, data=recall).status == "rejected"
    with pytest.raises(InvalidInput, match="is refused: the lot was rejected by QA on 2025-02-10"):
        product.release_lot(db, user=USER, lot_id=LOT, data=RELEASE | {"decided_on": "2025-02-11"})
    with pytest.raises(InvalidInput, match="'rejected' is already recorded"):
        product.reject_lot(db, user=USER, lot_id=LOT, data=recall)


def test_rejection_cannot_predate_the_release(db: Database) -> None:
    released_lot(db)
    data = {"decided_by": "QA", "decided_on": "2025-02-04", "note": "x"}
    with pytest.raises(InvalidInput, match="decided_on: '2025-02-04' is before the lot was"):
        product.reject_lot(db, user=USER, lot_id=LOT, data=data)
