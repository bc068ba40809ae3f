"""``regencord lot …``: iPS cell lines, lots, their QC results and release decisions."""

from __future__ import annotations

from typing import Annotated

import typer

from regencord.cli.options import DbOption, ReasonOption, UserOption, run, say, user_of
from regencord.services import product, validation

app = typer.Typer(
    no_args_is_help=True,
    help="Cell lines and lots of the cell product: QC results, release or rejection.",
)

DateOption = Annotated[
    str | None,
    typer.Option("--on", metavar="DATE", help="Date (YYYY-MM-DD); default today."),
]
ByOption = Annotated[str, typer.Option("--by", help="Who decides (named person).")]


@app.command("line-add")
def line_add(
    line_id: Annotated[str, typer.Argument(help="Cell line id, e.g. CiRA-HLA-01.")],
    source: Annotated[
        str, typer.Option(help="Where the line comes from, e.g. 'HLA-homozygous iPS stock'.")
    ],
    donor_hla: Annotated[str | None, typer.Option(help="Donor HLA type.")] = None,
    reprogramming: Annotated[
        str | None, typer.Option(help="Reprogramming method, e.g. 'episomal vectors'.")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Register an iPS cell line."""
    data = {
        "line_id": line_id,
        "source": source,
        "donor_hla": donor_hla,
        "reprogramming_method": reprogramming,
    }
    line = run(db, lambda d: product.add_line(d, user=user_of(user), data=data))
    say(f"cell line {line.line_id} added")


@app.command("add")
def add(
    lot_id: Annotated[str, typer.Argument(help="Lot id, e.g. NSPC-0021.")],
    line: Annotated[str, typer.Option(help="Cell line id.")],
    passage: Annotated[str, typer.Option(metavar="N", help="Passage number.")],
    manufactured: Annotated[str, typer.Option(metavar="DATE", help="Manufactured on.")],
    expires: Annotated[str, typer.Option(metavar="DATE", help="Expires on.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Register a manufactured lot."""
    data = {
        "lot_id": lot_id,
        "line": line,
        "passage": passage,
        "manufactured_on": manufactured,
        "expires_on": expires,
    }
    lot = run(db, lambda d: product.add_lot(d, user=user_of(user), data=data))
    say(f"lot {lot.lot_id} added (line {lot.line_id}, expires {lot.expires_on.isoformat()})")


@app.command("qc")
def qc(
    lot_id: Annotated[str, typer.Argument(help="Lot id.")],
    assay: Annotated[
        str,
        typer.Option(
            help="Assay: viability, cell_count, sterility, mycoplasma, endotoxin, karyotype, "
            "undifferentiated_marker, or any other name."
        ),
    ],
    value: Annotated[str | None, typer.Option(metavar="NUMBER", help="Numeric result.")] = None,
    result: Annotated[str | None, typer.Option(help="Text result, e.g. negative.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the numeric result.")] = None,
    minimum: Annotated[
        str | None, typer.Option("--min", metavar="NUMBER", help="Specification: minimum.")
    ] = None,
    maximum: Annotated[
        str | None, typer.Option("--max", metavar="NUMBER", help="Specification: maximum.")
    ] = None,
    expected: Annotated[
        str | None, typer.Option(help="Specification: expected text result.")
    ] = None,
    on: DateOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a QC result and its specification.

    The specification is a range (--min, --max) or an expected result (--expected).
    """
    data = {
        "assay": assay,
        "value": value,
        "result": result,
        "unit": unit,
        "spec_min": minimum,
        "spec_max": maximum,
        "expected": expected,
        "tested_on": on or validation.today().isoformat(),
    }
    shown, lot = run(
        db, lambda d: product.record_qc(d, user=user_of(user), lot_id=lot_id, data=data)
    )
    verdict = "pass" if shown.passed else "FAIL (outside its specification)"
    say(
        f"lot {lot.lot_id}: QC {shown.assay} {shown.result_text} recorded "
        f"(spec {shown.specification_text}): {verdict}"
    )
    if not shown.passed and lot.status == "released":
        say(f"warning: lot {lot.lot_id} is released; reject it if it must not be used")


@app.command("qc-void")
def qc_void(
    lot_id: Annotated[str, typer.Argument(help="Lot id.")],
    result_id: Annotated[
        int, typer.Argument(metavar="RESULT", help="QC result id (lot show lists them).")
    ],
    reason: ReasonOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Void a mistaken QC result (with --reason).

    The result no longer counts; a release recorded on it is withdrawn and the lot
    awaits release again.
    """
    done = run(
        db,
        lambda d: product.void_qc(
            d, user=user_of(user), lot_id=lot_id, result_id=result_id, reason=reason
        ),
    )
    say(f"lot {done.lot.lot_id}: QC result {result_id} ({done.voided}) voided")
    if done.withdrawn is not None:
        say(
            f"lot {done.lot.lot_id}: the release ({done.withdrawn}) rested on it and is "
            f"withdrawn; the lot is {done.lot.status}"
        )


@app.command("release")
def release(
    lot_id: Annotated[str, typer.Argument(help="Lot id.")],
    by: ByOption,
    on: DateOption = None,
    note: Annotated[str | None, typer.Option(help="Note on the decision.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Release a lot for transplants.

    Refused unless every QC result meets its specification and every required assay has
    a result.
    """
    data = {"decided_by": by, "decided_on": on, "note": note}
    lot = run(db, lambda d: product.release_lot(d, user=user_of(user), lot_id=lot_id, data=data))
    say(f"lot {lot.lot_id} {lot.decisions[-1]}")


@app.command("reject")
def reject(
    lot_id: Annotated[str, typer.Argument(help="Lot id.")],
    by: ByOption,
    note: Annotated[str, typer.Option(help="Why the lot is rejected.")],
    on: DateOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Reject a lot (at any time, also after its release)."""
    data = {"decided_by": by, "decided_on": on, "note": note}
    lot = run(db, lambda d: product.reject_lot(d, user=user_of(user), lot_id=lot_id, data=data))
    say(f"lot {lot.lot_id} {lot.decisions[-1]}")


@app.command("show")
def show(
    lot_id: Annotated[str, typer.Argument(help="Lot id.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Show a lot and its QC results.

    QC results against their specifications, missing assays, release decisions.
    """
    lot = run(db, lambda d: product.show_lot(d, lot_id, user=user_of(user)))
    for line in lot.lines(ids=True):
        say(line)
    if lot.status == "awaiting release":
        say("releasable" if lot.releasable else "not releasable:")
        for problem in lot.qc_problems:
            say(f"  {problem}")
