"""``regencord demo`` and ``regencord report``."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from regencord.cli.app import app


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_demo_then_report_with_pdf(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = _run("demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.stdout
    assert "A → D" in result.stdout and "A → C" in result.stdout
    assert "the chance of 2 or more of 4 is 0.14" in result.stdout
    assert (out / "report.html").stat().st_size > 10_000
    again = _run("demo", "--out", str(out))  # a fresh database every time
    assert again.exit_code == 0, again.output

    db = f"sqlite:///{out / 'demo.db'}"
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = _run(
        "report", "--trial", "DEMO-IPSC-SCI", "-o", str(html), "--pdf", str(pdf), "--db", db
    )
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF") and "SYNTHETIC" in html.read_text()


def test_report_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert _run("demo", "--out", str(out)).exit_code == 0
    db = f"sqlite:///{out / 'demo.db'}"
    missing = _run("report", "--trial", "NOPE", "-o", str(tmp_path / "r.html"), "--db", db)
    assert missing.exit_code == 2 and missing.stderr.startswith("error: ")
    assert "Traceback" not in missing.output
    spec = tmp_path / "spec.yaml"
    spec.write_text("responders:\n  - {name: x, event: score_gain, metric: grip, min_gain: 1}\n")
    bad = _run(
        "report", "--trial", "DEMO-IPSC-SCI", "-o", str(tmp_path / "r.html"), "--db", db,
        "--responders", str(spec),
    )  # fmt: skip
    assert bad.exit_code == 2 and "metric" in bad.stderr and "Traceback" not in bad.output
    # One mention of the file, no empty value (was "responders: '' spec.yaml: …").
    assert bad.stderr.startswith(f"error: responder spec {spec}: responders.0")
    assert bad.stderr.count(str(spec)) == 1 and "''" not in bad.stderr
    assert not (tmp_path / "r.html").exists()
