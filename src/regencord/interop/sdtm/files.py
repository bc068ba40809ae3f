"""Writing the datasets: ``<name>.csv`` and ``<name>.xpt`` per dataset (lower-case names),
``define.json`` (machine-readable specification) and ``define.html`` (the same, readable).

CSV: UTF-8, ``\\n`` line ends, a header of variable names, empty fields for missing
values, numbers in their shortest form (``2000000``, ``0.769``). XPT: SAS transport
version 5 written by pyreadstat; character variables as long as their longest value,
numbers as 8-byte floats, missing numbers as SAS missing, missing text as blanks. Reading
an XPT file back gives the CSV's values (:func:`read_xpt_text`).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from regencord import __version__
from regencord.interop.export_data import ExportTrial
from regencord.interop.sdtm.codelists import BY_ID
from regencord.interop.sdtm.dataset import CHAR, Dataset, Value

STANDARD = "SDTM-style datasets following SDTMIG 3.4 conventions; sponsor-defined test codes"


def text(value: Value) -> str:
    """A value as the CSV holds it."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def csv_bytes(data: Dataset) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(data.names)
    writer.writerows([v if type(v) is str else text(v) for v in row] for row in data.rows)
    return out.getvalue().encode("utf-8")


def write_xpt(data: Dataset, path: Path) -> None:
    import pandas as pd
    import pyreadstat

    columns: dict[str, Any] = {}
    for i, v in enumerate(data.variables):
        values = [row[i] for row in data.rows]
        if v.type == CHAR:
            columns[v.name] = pd.Series(["" if x is None else x for x in values], dtype=object)
        else:
            columns[v.name] = pd.Series(
                [math.nan if x is None else float(x) for x in values], dtype="float64"
            )
    frame = pd.DataFrame(columns, columns=data.names)
    pyreadstat.write_xport(
        frame,
        str(path),
        file_label=data.label,
        column_labels={v.name: v.label for v in data.variables},
        table_name=data.name,
        file_format_version=5,
    )


def read_xpt_text(path: Path) -> tuple[list[str], list[list[str]]]:
    """An XPT file's variable names and rows as CSV text (for checking a round trip)."""
    import pyreadstat

    frame, _meta = pyreadstat.read_xport(str(path))
    rows = [[text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return list(frame.columns), rows


def specification(trial: ExportTrial, datasets: Sequence[Dataset]) -> dict[str, Any]:
    """The define.xml-like description of the datasets: study, datasets with their keys and
    variables (label, type, length, core, origin, code list), and the code lists used."""
    used = sorted({v.codelist for d in datasets for v in d.variables if v.codelist})
    t = trial.data
    return {
        "standard": STANDARD,
        "generator": f"regencord {__version__}",
        "study": {
            "STUDYID": t.code,
            "title": t.title,
            "sponsor": t.sponsor,
            "registry_id": t.registry_id,
            "phase": t.phase,
            "synthetic": t.synthetic,
        },
        "datasets": [
            {
                "name": d.name,
                "label": d.label,
                "structure": d.structure,
                "keys": list(d.keys),
                "records": len(d.rows),
                "files": {"csv": f"{d.name.lower()}.csv", "xpt": f"{d.name.lower()}.xpt"},
                "variables": [
                    {
                        "name": v.name,
                        "label": v.label,
                        "type": v.type,
                        "length": d.length(v),
                        "core": v.core,
                        "origin": v.origin,
                        "codelist": v.codelist,
                        "comment": v.comment,
                    }
                    for v in d.variables
                ],
            }
            for d in datasets
        ],
        "codelists": [
            {
                "id": c.id,
                "name": c.name,
                "source": c.source,
                "terms": [{"code": code, "decode": decode} for code, decode in c.terms],
            }
            for c in (BY_ID[i] for i in used)
        ],
    }


def specification_html(spec: dict[str, Any]) -> str:
    e = html.escape
    study = spec["study"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Dataset specification: {e(study['STUDYID'])}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin-bottom:2em}td,th{border:1px solid #999;padding:2px 6px;text-align:left;"
        "vertical-align:top}.synthetic{background:#fdd;padding:.5em}</style></head><body>",
        f"<h1>Dataset specification: {e(study['STUDYID'])}</h1>",
        f"<p>{e(study['title'])}</p>",
        f"<p>{e(spec['standard'])}. Written by {e(spec['generator'])}.</p>",
    ]
    if study["synthetic"]:
        parts.append('<p class="synthetic">SYNTHETIC DATA: generated, not from people.</p>')
    parts.append(
        "<h2>Datasets</h2><table><tr><th>Dataset</th><th>Label</th><th>Structure</th>"
        "<th>Keys</th><th>Records</th></tr>"
    )
    for d in spec["datasets"]:
        parts.append(
            f'<tr><td><a href="#{e(d["name"])}">{e(d["name"])}</a></td><td>{e(d["label"])}</td>'
            f"<td>{e(d['structure'])}</td><td>{e(', '.join(d['keys']))}</td>"
            f"<td>{d['records']}</td></tr>"
        )
    parts.append("</table>")
    for d in spec["datasets"]:
        parts.append(
            f'<h2 id="{e(d["name"])}">{e(d["name"])}: {e(d["label"])}</h2>'
            f"<p>Files: {e(d['files']['csv'])}, {e(d['files']['xpt'])}</p>"
            "<table><tr><th>Variable</th><th>Label</th><th>Type</th><th>Length</th>"
            "<th>Core</th><th>Origin</th><th>Code list</th><th>Comment</th></tr>"
        )
        for v in d["variables"]:
            codelist = v["codelist"] or ""
            link = f'<a href="#CL.{e(codelist)}">{e(codelist)}</a>' if codelist else ""
            parts.append(
                f"<tr><td>{e(v['name'])}</td><td>{e(v['label'])}</td><td>{e(v['type'])}</td>"
                f"<td>{v['length']}</td><td>{e(v['core'])}</td><td>{e(v['origin'])}</td>"
                f"<td>{link}</td><td>{e(v['comment'] or '')}</td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Code lists</h2>")
    for c in spec["codelists"]:
        parts.append(
            f'<h3 id="CL.{e(c["id"])}">{e(c["id"])}: {e(c["name"])} ({e(c["source"])})</h3>'
            "<table><tr><th>Value</th><th>Decode</th></tr>"
        )
        parts += [f"<tr><td>{e(t['code'])}</td><td>{e(t['decode'])}</td></tr>" for t in c["terms"]]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_folder(trial: ExportTrial, datasets: Sequence[Dataset], folder: Path) -> list[Path]:
    """Write every file into ``folder`` (which exists); the files written, in order."""
    written: list[Path] = []
    for d in datasets:
        stem = d.name.lower()
        (folder / f"{stem}.csv").write_bytes(csv_bytes(d))
        write_xpt(d, folder / f"{stem}.xpt")
        written += [folder / f"{stem}.csv", folder / f"{stem}.xpt"]
    spec = specification(trial, datasets)
    (folder / "define.json").write_text(
        json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (folder / "define.html").write_text(specification_html(spec), encoding="utf-8")
    return [*written, folder / "define.json", folder / "define.html"]
