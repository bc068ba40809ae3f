"""``regencord lot qc-void``: a mistaken QC result voided with a reason; the release that
rested on it is withdrawn; refused (exit status 2, naming --reason) without one."""

from __future__ import annotations

import re

import pytest

from regencord.store.db import Database
from tests.cli.test_lot_transplant_cli import USER, Cli
from tests.services.product_builders import LOT, audit_rows, released_lot


@pytest.fixture
def cli(db: Database) -> Cli:
    released_lot(db)
    return Cli(db)


def _viability_id(cli: Cli) -> int:
    shown = cli.ok(f"lot show {LOT}")
    found = re.search(r"  QC viability: .* \[result (\d+)\]", shown)
    assert found, shown
    return int(found.group(1))


def test_qc_void_withdraws_the_release(cli: Cli, db: Database) -> None:
    viability = _viability_id(cli)
    out = cli.ok(f"lot qc-void {LOT} {viability} --reason 'sample of another lot' {USER}")
    assert out.splitlines() == [
        f"lot {LOT}: QC result {viability} (viability: 92.5 % (spec ≥ 70 %) pass, tested "
        "2025-02-03) voided",
        f"lot {LOT}: the release (released by Dr A. Tanaka on 2025-02-05) rested on it and is "
        "withdrawn; the lot is awaiting release",
    ]
    shown = cli.ok(f"lot show {LOT}")
    assert f"lot {LOT} (line CIRA-HLA-01): awaiting release" in shown
    assert "  QC missing: viability" in shown
    [row] = [
        r for r in audit_rows(db, "qc_result") if r.action == "delete" and r.field == "deleted_at"
    ]
    assert (row.user, row.reason) == ("dr.cli", "sample of another lot")


def test_qc_void_needs_a_reason(cli: Cli) -> None:
    viability = _viability_id(cli)
    assert cli.refused(f"lot qc-void {LOT} {viability} {USER}") == [
        f"lot {LOT} QC result {viability}: voiding needs a reason (--reason)"
    ]
    [line] = cli.refused(f"lot qc-void {LOT} {viability} --reason '  ' {USER}")
    assert line.startswith(f"lot {LOT} QC result {viability}: reason: '  ' must not be blank")
    assert f"lot {LOT} (line CIRA-HLA-01): released" in cli.ok(f"lot show {LOT}")


def test_qc_void_of_an_unknown_result(cli: Cli) -> None:
    assert cli.refused(f"lot qc-void {LOT} 999 --reason x {USER}") == [
        f"lot {LOT} QC result 999 does not exist"
    ]
