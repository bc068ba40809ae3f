"""The segmental chart: an HTML table of one exam's cells, levels and changes."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

import pytest
from markupsafe import Markup

from regencord.isncsci import DERMATOMES, Exam, Level, classify
from regencord.isncsci.synthetic import generate_exams
from regencord.outcomes.model import ExamPoint
from regencord.reports.segmental import SEGMENTAL_CSS, SEGMENTAL_LEGEND, segmental_chart
from tests.isncsci.builders import make_exam

INJURY = date(2025, 3, 1)


def point(raw: dict[str, Any], visit: str = "week 12", day: int = 90) -> ExamPoint:
    exam = Exam.from_praxis(raw)
    return ExamPoint(visit, day, INJURY + timedelta(days=day), exam, classify(exam))


def parse(chart: Markup) -> ET.Element:
    """The chart parsed as XML (it is well-formed XHTML)."""
    return ET.fromstring(str(chart))


def cell(root: ET.Element, name: str) -> ET.Element:
    """The ``td`` whose title starts with ``name``, e.g. ``Right C6 motor``."""
    found = [td for td in root.iter("td") if (td.get("title") or "").startswith(name + ":")]
    assert len(found) == 1, name
    return found[0]


def text(element: ET.Element) -> str:
    return "".join(element.itertext())


def classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


@pytest.fixture(scope="module")
def chart() -> ET.Element:
    raw = make_exam(
        level_right="C5",
        level_left="C6",
        dap="Yes",
        non_key_right="C8",
        cells={
            "right.motor.C6": "3",
            "left.lightTouch.T4": "1*",
            "right.pinPrick.T2": "NT**",
            "left.motor.C7": "NT",
        },
    )
    return parse(segmental_chart(point(raw)))


def test_rows_and_columns(chart: ET.Element) -> None:
    rows = chart.findall("./table/tbody/tr")
    assert [text(r.find("th")).split()[0] for r in rows] == [  # type: ignore[arg-type]
        lv.name.replace("_", "-") for lv in DERMATOMES
    ]
    assert all(len(r.findall("td")) == 6 for r in rows)
    assert [th.get("scope") for th in chart.iter("th")].count("row") == 28
    t4 = rows[DERMATOMES.index(Level.T4)]
    assert text(t4.find("th")) == "T4"  # type: ignore[arg-type]
    motor = t4.findall("td")[0], t4.findall("td")[5]
    assert all("rc-na" in classes(td) and not text(td) for td in motor)


def test_cell_values_tags_and_nt(chart: ET.Element) -> None:
    c6 = cell(chart, "Right C6 motor")
    assert text(c6) == "3" and "rc-f2" in classes(c6)
    assert "3 of 5 (impaired)" in (c6.get("title") or "")
    assert text(cell(chart, "Right C5 motor")) == "5"
    assert "rc-f3" in classes(cell(chart, "Right C5 motor"))
    assert "rc-f0" in classes(cell(chart, "Right C7 motor"))
    t4 = cell(chart, "Left T4 light touch")
    assert text(t4) == "1*" and "rc-f2" in classes(t4)
    assert "consider not normal" in (t4.get("title") or "")
    t2 = cell(chart, "Right T2 pin prick")
    assert text(t2) == "NT**" and "rc-nt" in classes(t2)
    assert "not testable" in (t2.get("title") or "")
    assert text(cell(chart, "Left C7 motor")) == "NT"


def test_fractions_of_normal() -> None:
    raw = make_exam(
        level_right="C5", level_left="C5", cells={"right.motor.C6": "1", "right.motor.C7": "2"}
    )
    root = parse(segmental_chart(point(raw)))
    assert "rc-f1" in classes(cell(root, "Right C6 motor"))
    assert "rc-f1" in classes(cell(root, "Right C7 motor"))
    assert "rc-f0" in classes(cell(root, "Right C8 motor"))
    assert "rc-f3" in classes(cell(root, "Left C5 light touch"))


def test_nli_and_levels_are_marked(chart: ET.Element) -> None:
    nli = [tr for tr in chart.iter("tr") if "rc-nli" in classes(tr)]
    assert len(nli) == 1 and text(nli[0].find("th")) == "C5 NLI"  # type: ignore[arg-type]
    assert "rc-sl" in classes(cell(chart, "Right C5 light touch"))
    assert "rc-sl" in classes(cell(chart, "Right C5 pin prick"))
    assert "rc-sl" in classes(cell(chart, "Left C6 light touch"))
    assert "rc-sl" not in classes(cell(chart, "Left C5 light touch"))
    assert "rc-ml" in classes(cell(chart, "Right C6 motor"))
    # Left C7 motor NT: the left motor level is C6 or C7.
    assert "rc-mlq" in classes(cell(chart, "Left C6 motor"))
    assert "rc-mlq" in classes(cell(chart, "Left C7 motor"))
    assert "sensory level" in (cell(chart, "Right C5 light touch").get("title") or "")


def test_possible_levels_are_marked_as_such() -> None:
    raw = make_exam(level_right="C5", level_left="C5", cells={"right.lightTouch.C5": "NT"})
    root = parse(segmental_chart(point(raw)))
    possible = [tr for tr in root.iter("tr") if "rc-nliq" in classes(tr)]
    assert [text(tr.find("th")) for tr in possible] == ["C4 NLI?", "C5 NLI?"]  # type: ignore[arg-type]
    assert "rc-slq" in classes(cell(root, "Right C4 light touch"))
    assert "rc-sl" in classes(cell(root, "Left C5 light touch"))


def test_caption_and_notes(chart: ET.Element) -> None:
    caption = text(chart.find("./table/caption"))  # type: ignore[arg-type]
    assert "week 12" in caption and "day 90" in caption and "2025-05-30" in caption
    assert "AIS B" in caption and "NLI C5" in caption
    notes = {
        text(d.find("dt")): text(d.find("dd"))  # type: ignore[arg-type]
        for d in chart.iter("div")
        if d.find("dt") is not None
    }
    assert notes["VAC"] == "No" and notes["DAP"] == "Yes"
    assert notes["Non-key muscle"] == "R C8 · L —"
    assert notes["Sensory level"] == "R C5 · L C6"
    assert notes["Totals"].startswith("UEMS ND")


def test_changes_since_baseline_are_marked() -> None:
    baseline = point(
        make_exam(
            level_right="C5",
            level_left="C5",
            cells={"right.motor.C6": "1", "left.pinPrick.C7": "NT", "both.lightTouch.S4_5": "1"},
        ),
        visit="baseline",
        day=10,
    )
    later = point(
        make_exam(
            level_right="C5",
            level_left="C5",
            cells={"right.motor.C6": "3", "left.pinPrick.C7": "2", "left.lightTouch.C4": "1"},
        )
    )
    root = parse(segmental_chart(later, baseline=baseline))
    up = cell(root, "Right C6 motor")
    assert "rc-up" in classes(up) and "▲" in text(up)
    assert "improved from 1 at baseline" in (up.get("title") or "")
    down = cell(root, "Left C4 light touch")
    assert "rc-down" in classes(down) and "▼" in text(down)
    worse_sacral = cell(root, "Right S4-5 light touch")
    assert "rc-down" in classes(worse_sacral)
    # NT at baseline: nothing to compare.
    assert not classes(cell(root, "Left C7 pin prick")) & {"rc-up", "rc-down"}
    assert not classes(cell(root, "Right C5 motor")) & {"rc-up", "rc-down"}
    change = [p for p in root.iter("p") if "rc-seg-change" in classes(p)]
    assert text(change[0]) == "Since baseline (day 10): ▲ 1 cell improved, ▼ 3 worse"
    assert "rc-up" not in str(segmental_chart(later))


def test_text_is_escaped() -> None:
    raw = make_exam(level_right="C5", level_left="C5")
    evil = "<script>alert('x')</script> & co"
    chart = segmental_chart(point(raw, visit=evil), baseline=point(raw, visit=evil, day=3))
    assert isinstance(chart, Markup)
    assert "<script" not in chart
    assert "&lt;script&gt;" in chart
    root = parse(chart)
    assert evil in text(root.find("./table/caption"))  # type: ignore[arg-type]


def test_css_and_legend() -> None:
    for cls in ("rc-f0", "rc-f3", "rc-nt", "rc-up", "rc-down", "rc-sl", "rc-nli"):
        assert f".{cls}" in SEGMENTAL_CSS
    assert "http" not in SEGMENTAL_CSS
    assert "NT" in SEGMENTAL_LEGEND and "▲" in SEGMENTAL_LEGEND


@pytest.fixture(scope="module")
def synthetic() -> list[ExamPoint]:
    raws = generate_exams(60, seed=11, nt_rate=0.05, tag_rate=0.05, non_key_rate=0.2)
    return [point(raw, day=30 + i) for i, raw in enumerate(raws)]


def test_synthetic_exams(synthetic: list[ExamPoint]) -> None:
    for i, p in enumerate(synthetic):
        root = parse(segmental_chart(p, baseline=synthetic[i - 1]))
        assert len(list(root.iter("td"))) == 28 * 6 + 2  # and the corner and the notes
        for level in DERMATOMES:
            td = cell(root, f"Left {level.name.replace('_', '-')} pin prick")
            assert text(td).rstrip("▲▼") == str(p.exam.left.pin_prick[level])


def test_thousand_charts_are_fast(synthetic: list[ExamPoint]) -> None:
    pairs = [(synthetic[i % 60], synthetic[(i + 1) % 60]) for i in range(1000)]
    start = time.perf_counter()
    for exam, baseline in pairs:
        segmental_chart(exam, baseline=baseline)
    assert time.perf_counter() - start < 2.0  # about 0.2 s measured
