"""``regencord lot …`` and ``regencord transplant …``: from cell line to chain of identity,
and bad input refused with exit status 2 and one line per problem."""

from __future__ import annotations

import shlex

import pytest
from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.store.db import Database
from tests.services.product_builders import (
    PASSING_QC,
    TRIAL,
    add_participant,
    audit_rows,
    cli_url,
    count,
    trial_with_window,
)

USER = "--user dr.cli"
TRANSPLANT = (
    f"transplant add --trial {TRIAL} --participant P-001 --lot NSPC-0021 --date 2025-02-22 "
    "--dose 2000000 --volume 40 --sites 'C4, C5' --surgeon 'Dr B. Sato'"
)


class Cli:
    """Runs a command line (shell syntax) against the test database."""

    def __init__(self, db: Database) -> None:
        self.url = cli_url(db)

    def __call__(self, command: str) -> Result:
        args = [*shlex.split(command), "--db", self.url]
        return CliRunner().invoke(app, args, env={"COLUMNS": "120"})

    def ok(self, command: str) -> str:
        result = self(command)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        return result.stdout

    def refused(self, command: str) -> list[str]:
        """The command fails with status 2 and ``error:`` lines only, no traceback."""
        result = self(command)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert "Traceback" not in result.output
        lines = result.stderr.splitlines()
        assert lines
        assert all(line.startswith("error: ") for line in lines)
        return [line.removeprefix("error: ") for line in lines]


@pytest.fixture
def cli(db: Database) -> Cli:
    return Cli(db)


def add_lot(cli: Cli) -> None:
    cli.ok(f"lot line-add CIRA-HLA-01 --source 'HLA-homozygous iPS stock' {USER}")
    cli.ok(
        "lot add NSPC-0021 --line CIRA-HLA-01 --passage 12 --manufactured 2025-02-01 "
        f"--expires 2025-03-31 {USER}"
    )


def record_qc(cli: Cli, *, skip: tuple[str, ...] = ()) -> None:
    """A passing result of every required assay not in ``skip``."""
    options = {"spec_min": "--min", "spec_max": "--max", "value": "--value"}
    options |= {"result": "--result", "expected": "--expected"}
    for assay, result in PASSING_QC.items():
        if assay in skip:
            continue
        given = " ".join(f"{options[k]} {shlex.quote(str(v))}" for k, v in result.items())
        cli.ok(f"lot qc NSPC-0021 --assay {assay} {given} --on 2025-02-03 {USER}")


def released_lot(cli: Cli) -> None:
    add_lot(cli)
    record_qc(cli)
    cli.ok(f"lot release NSPC-0021 --by 'Dr A. Tanaka' --on 2025-02-05 {USER}")


def test_from_cell_line_to_chain_of_identity(db: Database, cli: Cli) -> None:
    trial_with_window(db)
    add_participant(db)
    out = cli.ok(
        "lot line-add CIRA-HLA-01 --source 'HLA-homozygous iPS stock' --donor-hla A*24:02 "
        f"--reprogramming episomal {USER}"
    )
    assert out == "cell line CIRA-HLA-01 added\n"
    out = cli.ok(
        "lot add NSPC-0021 --line CIRA-HLA-01 --passage 12 --manufactured 2025-02-01 "
        f"--expires 2025-03-31 {USER}"
    )
    assert out == "lot NSPC-0021 added (line CIRA-HLA-01, expires 2025-03-31)\n"
    out = cli.ok(
        f"lot qc NSPC-0021 --assay viability --value 92.5 --unit % --min 70 --on 2025-02-03 {USER}"
    )
    assert out == "lot NSPC-0021: QC viability 92.5 % recorded (spec ≥ 70 %): pass\n"

    shown = cli.ok("lot show NSPC-0021")
    assert "lot NSPC-0021 (line CIRA-HLA-01): awaiting release" in shown
    assert "  QC missing: karyotype" in shown
    assert "not releasable:" in shown

    record_qc(cli, skip=("viability",))
    assert "\nreleasable\n" in cli.ok("lot show NSPC-0021")
    out = cli.ok(f"lot release NSPC-0021 --by 'Dr A. Tanaka' --on 2025-02-05 {USER}")
    assert out == "lot NSPC-0021 released by Dr A. Tanaka on 2025-02-05\n"

    assert cli.ok(f"{TRANSPLANT} {USER}") == (
        f"participant P-001 of trial {TRIAL}: transplant with lot NSPC-0021 on 2025-02-22 "
        "(day 21 after injury) recorded; status transplanted\n"
    )
    out = cli.ok(
        f"transplant immunosuppression add --trial {TRIAL} --participant P-001 "
        f"--regimen tacrolimus --start 2025-02-21 {USER}"
    )
    assert out.endswith("tacrolimus, 2025-02-21 to ongoing recorded\n")
    course = out.split("course ")[1].split(":")[0]
    out = cli.ok(
        f"transplant immunosuppression stop --trial {TRIAL} --participant P-001 "
        f"--course {course} --stop 2025-08-21 {USER}"
    )
    assert out.endswith("tacrolimus, 2025-02-21 to 2025-08-21\n")

    chain = cli.ok(f"transplant chain --trial {TRIAL} --participant P-001")
    assert chain == cli.ok("transplant chain --lot NSPC-0021")
    lines = chain.splitlines()
    assert lines[:3] == [
        "chain of identity of lot NSPC-0021",
        "cell line CIRA-HLA-01: HLA-homozygous iPS stock",
        "  donor HLA A*24:02; reprogramming episomal",
    ]
    assert "  decision: released by Dr A. Tanaka on 2025-02-05" in lines
    assert "transplant: participant P-001 of trial KEIO-SCI-01 (transplanted)" in lines
    assert "  lot NSPC-0021: 2000000 cells in 40 µL at C4, C5; surgeon Dr B. Sato" in lines
    assert "transplant: participant P-001" in cli.ok(
        f"transplant show --trial {TRIAL} --participant P-001"
    )
    assert {r.user for r in audit_rows(db, "transplant")} == {"dr.cli"}


def test_release_refused_lists_failed_and_missing_qc(cli: Cli) -> None:
    add_lot(cli)
    cli.ok(f"lot qc NSPC-0021 --assay viability --value 65 --min 70 --on 2025-02-03 {USER}")
    errors = cli.refused("lot release NSPC-0021 --by 'Dr A' --on 2025-02-05")
    assert errors[0] == (
        "lot NSPC-0021: QC viability: '65 %' (tested 2025-02-03) fails its specification "
        "≥ 70 %: release refused"
    )
    missing = "lot NSPC-0021: QC: 'karyotype' is a required assay with no result: release refused"
    assert missing in errors
    assert len(errors) == 7
    assert "awaiting release" in cli.ok("lot show NSPC-0021")


def test_failed_qc_is_recorded_and_said(cli: Cli) -> None:
    add_lot(cli)
    out = cli.ok(
        "lot qc NSPC-0021 --assay mycoplasma --result positive --expected negative "
        f"--on 2025-02-03 {USER}"
    )
    assert out == (
        "lot NSPC-0021: QC mycoplasma positive recorded (spec negative): "
        "FAIL (outside its specification)\n"
    )


def test_rejected_lot_cannot_be_transplanted_and_nothing_is_written(db: Database, cli: Cli) -> None:
    trial_with_window(db)
    add_participant(db)
    add_lot(cli)
    out = cli.ok(
        "lot reject NSPC-0021 --by 'Dr A. Tanaka' --on 2025-02-04 --note 'sterility positive' "
        f"{USER}"
    )
    assert out == "lot NSPC-0021 rejected by Dr A. Tanaka on 2025-02-04 (sterility positive)\n"
    audit = count(db, "audit_log")
    assert cli.refused(TRANSPLANT) == [
        f"transplant of P-001 (trial {TRIAL}): lot: 'NSPC-0021' was not released "
        "(decision: rejected by Dr A. Tanaka on 2025-02-04): it cannot be used in a transplant"
    ]
    assert count(db, "transplant") == 0
    assert count(db, "audit_log") == audit


def test_outside_the_window_needs_a_deviation(db: Database, cli: Cli) -> None:
    trial_with_window(db)
    add_participant(db)
    released_lot(cli)
    late = TRANSPLANT.replace("2025-02-22", "2025-03-05").replace("2000000", "2e6")
    assert cli.refused(late) == [
        f"transplant of P-001 (trial {TRIAL}): transplant_date: '2025-03-05' is day 32 after "
        "injury, outside the transplant window (day 14–28): it can only be saved with a "
        "protocol deviation note"
    ]
    out = cli.ok(f"{late} --deviation 'operating room unavailable' {USER}")
    assert out.endswith(
        "(day 32 after injury) recorded; status transplanted; protocol deviation recorded\n"
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "lot add NSPC-0022 --line CIRA-HLA-01 --passage x --manufactured 2025-02-01 "
            "--expires 2025-03-01",
            "lot NSPC-0022: passage: 'x' input should be a valid integer, unable to parse "
            "string as an integer",
        ),
        (
            "lot add NSPC-0022 --line CIRA-HLA-01 --passage 3 --manufactured 2025-02-31 "
            "--expires 2025-03-01",
            "lot NSPC-0022: manufactured_on: '2025-02-31' is not a valid date (YYYY-MM-DD)",
        ),
        (
            "lot add NSPC-0022 --line NOPE --passage 3 --manufactured 2025-02-01 "
            "--expires 2025-03-01",
            "lot NSPC-0022: line: 'NOPE' is not a registered cell line",
        ),
        (
            "lot qc NSPC-0021 --assay viability --value ninety --min 70",
            "lot NSPC-0021 QC viability: value: 'ninety' input should be a valid number, "
            "unable to parse string as a number",
        ),
        (
            "lot qc NSPC-0021 --assay viability --value 90",
            "lot NSPC-0021 QC viability: specification is missing: give a minimum and/or "
            "maximum, or the expected text result",
        ),
        ("lot show NSPC-0404", "lot 'NSPC-0404' does not exist"),
        (
            f"transplant chain --trial {TRIAL}",
            "chain of identity: start is missing: give either a trial and a participant, or a lot",
        ),
        (
            f"transplant add --trial {TRIAL} --participant P-001 --lot NSPC-0021 "
            "--date 2025-02-22 --dose 0 --volume 40 --sites C4 --surgeon X",
            f"transplant of P-001 (trial {TRIAL}): dose_cells: '0' input should be greater than 0",
        ),
    ],
)
def test_bad_input_is_one_line_with_exit_status_2(cli: Cli, command: str, expected: str) -> None:
    add_lot(cli)
    assert cli.refused(command) == [expected]
