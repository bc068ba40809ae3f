"""Voiding a mistaken QC result (issue 10, item 8a): with a reason, audited; the lot's
release state follows the QC that still counts."""

from __future__ import annotations

import pytest

from regencord.services import product
from regencord.services.errors import InvalidInput, NotFound, ReasonNeeded
from regencord.store.db import Database
from tests.services.product_builders import (
    LOT,
    USER,
    add_lot,
    audit_rows,
    record_passing_qc,
    released_lot,
)

RELEASE = {"decided_by": "Dr A. Tanaka", "decided_on": "2025-02-05"}


def result_id(db: Database, assay: str, lot_id: str = LOT) -> int:
    lot = product.show_lot(db, lot_id, user="reader")
    [found] = [q.id for q in lot.qc if q.assay == assay]
    return found


def test_voiding_the_result_a_release_rested_on_withdraws_the_release(db: Database) -> None:
    released_lot(db)
    viability = result_id(db, "viability")
    done = product.void_qc(
        db, user=USER, lot_id=LOT, result_id=viability, reason=" wrong lot's sample "
    )
    assert done.voided.id == viability and done.voided.assay == "viability"
    assert done.withdrawn is not None and str(done.withdrawn).startswith("released by Dr A.")
    assert done.lot.status == "awaiting release"
    assert "viability" in done.lot.missing_assays and not done.lot.releasable
    shown = product.show_lot(db, LOT, user="reader")
    assert shown.status == "awaiting release" and shown.decisions == ()
    assert viability not in {q.id for q in shown.qc}
    # Audited: both soft deletions, by the user, with the reason.
    [qc_row] = [
        r for r in audit_rows(db, "qc_result") if r.action == "delete" and r.field == "deleted_at"
    ]
    assert (qc_row.record_id, qc_row.user, qc_row.reason) == (viability, USER, "wrong lot's sample")
    [decision_row] = [
        r
        for r in audit_rows(db, "release_decision")
        if r.action == "delete" and r.field == "deleted_at"
    ]
    assert (decision_row.user, decision_row.reason) == (USER, "wrong lot's sample")
    # A new result of the assay makes the lot releasable again.
    data = {"assay": "viability", "tested_on": "2025-02-06", "value": 91, "spec_min": 70}
    product.record_qc(db, user=USER, lot_id=LOT, data=data)
    again = RELEASE | {"decided_on": "2025-02-07"}
    assert product.release_lot(db, user=USER, lot_id=LOT, data=again).status == "released"


def test_voiding_a_failed_result_can_make_the_lot_releasable(db: Database) -> None:
    released_lot(db, with_line=True, lot_id="NSPC-0001")  # the line, and another lot
    add_lot(db)
    record_passing_qc(db, skip=("viability",))
    bad = {"assay": "viability", "tested_on": "2025-02-03", "value": 65, "spec_min": 70}
    wrong, _ = product.record_qc(db, user=USER, lot_id=LOT, data=bad)
    good = {"assay": "viability", "tested_on": "2025-02-03", "value": 93, "spec_min": 70}
    product.record_qc(db, user=USER, lot_id=LOT, data=good)
    assert not product.show_lot(db, LOT, user="reader").releasable
    done = product.void_qc(db, user=USER, lot_id=LOT, result_id=wrong.id, reason="typed 65 for 95")
    assert done.withdrawn is None and done.lot.releasable
    assert product.release_lot(db, user=USER, lot_id=LOT, data=RELEASE).status == "released"


def test_a_release_recorded_before_the_result_stands(db: Database) -> None:
    released_lot(db)
    late = {"assay": "sterility", "tested_on": "2025-02-06", "result": "growth"}
    shown, _ = product.record_qc(db, user=USER, lot_id=LOT, data=late | {"expected": "negative"})
    done = product.void_qc(db, user=USER, lot_id=LOT, result_id=shown.id, reason="mislabelled")
    assert done.withdrawn is None and done.lot.status == "released"


def test_a_rejection_stands(db: Database) -> None:
    released_lot(db)
    recall = {"decided_by": "QA", "decided_on": "2025-02-10", "note": "recall"}
    product.reject_lot(db, user=USER, lot_id=LOT, data=recall)
    done = product.void_qc(
        db, user=USER, lot_id=LOT, result_id=result_id(db, "karyotype"), reason="duplicate"
    )
    assert done.withdrawn is None and done.lot.status == "rejected"


def test_voiding_is_refused_without_a_reason(db: Database) -> None:
    released_lot(db)
    viability = result_id(db, "viability")
    with pytest.raises(ReasonNeeded, match="voiding needs a reason"):
        product.void_qc(db, user=USER, lot_id=LOT, result_id=viability, reason=None)
    with pytest.raises(InvalidInput, match=r"reason: .* must not be blank"):
        product.void_qc(db, user=USER, lot_id=LOT, result_id=viability, reason="   ")
    shown = product.show_lot(db, LOT, user="reader")
    assert shown.status == "released" and viability in {q.id for q in shown.qc}
    assert not [
        r for r in audit_rows(db, "qc_result") if r.action == "delete" and r.field == "deleted_at"
    ]


def test_unknown_or_already_voided_results_are_refused(db: Database) -> None:
    released_lot(db)
    released_lot(db, "NSPC-0099", with_line=False)
    other = result_id(db, "viability", "NSPC-0099")
    with pytest.raises(NotFound, match=f"lot {LOT} QC result {other} does not exist"):
        product.void_qc(db, user=USER, lot_id=LOT, result_id=other, reason="x")
    mine = result_id(db, "viability")
    product.void_qc(db, user=USER, lot_id=LOT, result_id=mine, reason="first")
    with pytest.raises(InvalidInput, match=r"result_id: \d+ is already voided \(first\)"):
        product.void_qc(db, user=USER, lot_id=LOT, result_id=mine, reason="second")
