"""One paragraph per participant, written from the data: level and grade at baseline, the
transplant (day after injury, lot, dose), the grade course, and the main score changes.

Every fact in the text comes from the stored exams (as classified by the engine), measures
and transplant record; nothing is typed by hand.
"""

from __future__ import annotations

from regencord.outcomes.events import AIS_RANK
from regencord.outcomes.prognosis import WISCI_LEVELS
from regencord.outcomes.trajectory import Metric, Trajectory, TrajectoryPoint


def dose_text(cells: int) -> str:
    """``2.0×10⁶ cells``."""
    exponent = len(str(cells)) - 1
    superscript = str(exponent).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{cells / 10**exponent:.1f}×10{superscript} cells"


def _grade_path(t: Trajectory) -> tuple[str, list[tuple[str, str]]]:
    """The best determined grade reached, and each (grade, first visit) on the way."""
    base = t.baseline
    assert base is not None
    steps: list[tuple[str, str]] = []
    best = max((AIS_RANK[g] for g in base.ais), default=-1) if len(base.ais) == 1 else -1
    for p in t.points:
        if p.exam is None or p is base or len(p.ais) != 1:
            continue
        (grade,) = p.ais
        if AIS_RANK[grade] > best >= 0:
            best = AIS_RANK[grade]
            steps.append((grade.value, p.visit))
    return base.ais_text, steps


def _score_change(t: Trajectory, metric: Metric, label: str) -> str | None:
    before, after = t.baseline_value(metric), t.latest_value(metric)
    if before is None or after is None or before == after:
        return None
    return f"{label} {before:g}→{after:g}"


def _wisci(t: Trajectory) -> str | None:
    before, after = t.baseline_value(Metric.WISCI), t.latest_value(Metric.WISCI)
    if after is None or (before is not None and before == after == 0):
        return None
    text = f"WISCI II {'?' if before is None else f'{before:g}'}→{after:g}"
    level = WISCI_LEVELS.get(int(after))
    return f"{text}: {level}" if level and after > 0 else text


def _course(t: Trajectory, latest: TrajectoryPoint) -> str:
    start, steps = _grade_path(t)
    if latest.exam is not None and len(latest.ais) > 1:
        return (
            f"had AIS {latest.ais_text.replace(',', ' or ')} at {latest.visit} "
            "(not determinable: NT cells)"
        )
    if not steps:
        return f"remained AIS {start} at {latest.visit}"
    final_grade, final_visit = steps[-1]
    earlier = ", ".join(f"{g} at {v}" for g, v in steps[:-1])
    text = f"converted to AIS {final_grade} by {final_visit}"
    if earlier:
        text += f" ({earlier})"
    if latest.ais_text != final_grade:
        text += f"; AIS {latest.ais_text} at {latest.visit}"
    return text


def participant_narrative(t: Trajectory) -> str:
    p = t.participant
    base, latest = t.baseline, t.latest
    if base is None or latest is None:
        return f"{p.study_id}: no classified exam recorded."
    intro = [base.nli, f"AIS {base.ais_text} at baseline"]
    if p.transplant is not None:
        tx = p.transplant
        intro.append(
            f"transplanted {tx.day} days after injury with lot {tx.lot.lot_id}, "
            f"{dose_text(tx.dose_cells)}"
        )
    else:
        intro.append("not transplanted")
    sentence = f"{p.study_id} ({', '.join(intro)})"
    if latest is base:
        sentence += " has no follow-up exam yet"
    else:
        sentence += " " + _course(t, latest)
    changes = [
        c
        for c in (
            _score_change(t, Metric.UEMS, "UEMS"),
            _score_change(t, Metric.LEMS, "LEMS"),
            _wisci(t),
            _score_change(t, Metric.SCIM, "SCIM III"),
        )
        if c
    ]
    if changes:
        sentence += "; " + "; ".join(changes)
    sentence += "."
    if p.status == "withdrawn":
        sentence += f" Withdrawn: {p.withdrawal_reason or 'no reason recorded'}."
    return sentence
