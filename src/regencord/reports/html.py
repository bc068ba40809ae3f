"""The trial report as one self-contained HTML page: inline SVG figures and CSS, no script,
no network. Sections: participant flow, baseline, efficacy against natural history, walking
prognosis, safety, one section per participant, methods and sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from regencord.isncsci import ENGINE_VERSION
from regencord.outcomes.analysis import TrialAnalysis
from regencord.outcomes.efficacy import undetermined_ids
from regencord.outcomes.events import Verdict
from regencord.outcomes.natural_history import NaturalHistoryOutcome
from regencord.outcomes.trajectory import Metric, Trajectory, TrajectoryPoint, score_text
from regencord.reports import figures
from regencord.reports.narrative import dose_text, participant_narrative
from regencord.reports.segmental import SEGMENTAL_CSS, SEGMENTAL_LEGEND, segmental_chart

_ENV = Environment(
    loader=PackageLoader("regencord.reports", "templates"),
    autoescape=select_autoescape(["j2"], default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _num(value: float | None, digits: int = 0) -> str:
    """:func:`score_text`, or with ``digits`` decimals."""
    if value is None or not digits:
        return score_text(value)
    return f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _sentence(text: str) -> str:
    """First letter upper case, the rest as written (``AIS`` stays ``AIS``)."""
    return text[:1].upper() + text[1:]


_ENV.filters["num"] = _num
_ENV.filters["sentence"] = _sentence
_ENV.filters["pct"] = _pct
_ENV.filters["dose"] = dose_text


def _band(
    analysis: TrialAnalysis, outcome: NaturalHistoryOutcome
) -> figures.NaturalHistoryBand | None:
    """The natural-history band of the first cohort with a matched mean ± SD row."""
    for eff in analysis.efficacy:
        for m in eff.motor_screened:
            row = m.row
            if m.included and row.outcome is outcome and row.mean is not None and row.sd:
                return figures.band_from_mean_sd(
                    f"Natural history, AIS {row.baseline_ais} {row.levels}: {row.source} "
                    "(mean ± SD)",
                    row.mean,
                    row.sd,
                    day_end=row.follow_up_days or 365,
                    day_start=eff.cohort.baseline_day or 0,
                )
    return None


def _figures(analysis: TrialAnalysis) -> dict[str, Markup]:
    treated = [t.participant for t in analysis.trajectories if t.participant.transplant]
    people = [t.participant for t in analysis.trajectories]
    return {
        "uems": Markup(
            figures.motor_trajectories(
                treated, score="uems", band=_band(analysis, NaturalHistoryOutcome.DELTA_UEMS)
            )
        ),
        "lems": Markup(
            figures.motor_trajectories(
                treated, score="lems", band=_band(analysis, NaturalHistoryOutcome.DELTA_LEMS)
            )
        ),
        "lanes": Markup(figures.ais_lanes(people)),
        "ae": Markup(figures.adverse_event_timeline(people)),
    }


def _charts(t: Trajectory) -> list[Markup]:
    base, latest = t.baseline, t.latest
    if base is None or base.exam is None:
        return []
    charts = [segmental_chart(base.exam)]
    if latest is not None and latest is not base and latest.exam is not None:
        charts.append(segmental_chart(latest.exam, baseline=base.exam))
    return charts


@dataclass(frozen=True)
class QueryLine:
    """A data query still open or answered, as the report lists it."""

    id: int
    participant: str
    record: str
    check: str
    message: str
    state: str
    passing: bool
    """Its check now passes on the record: left for a person to close."""


def render_report(
    analysis: TrialAnalysis,
    *,
    stale_exams: int = 0,
    generated_at: datetime | None = None,
    queries: Sequence[QueryLine] = (),
) -> str:
    """The report page for ``analysis``, with the trial's unresolved data ``queries``."""
    template = _ENV.get_template("report.html.j2")
    moment = generated_at or datetime.now(UTC)
    return template.render(
        a=analysis,
        trial=analysis.trial,
        figures=_figures(analysis),
        narratives={t.study_id: participant_narrative(t) for t in analysis.trajectories},
        charts={t.study_id: _charts(t) for t in analysis.trajectories},
        undetermined_ids=undetermined_ids,
        Metric=Metric,
        Verdict=Verdict,
        css=Markup(files("regencord.reports").joinpath("templates/report.css").read_text())
        + Markup(SEGMENTAL_CSS),
        generated_at=moment.strftime("%Y-%m-%d %H:%M UTC"),
        engine_version=ENGINE_VERSION,
        regencord_version=version("regencord"),
        stale_exams=stale_exams,
        queries=queries,
        segmental_legend=SEGMENTAL_LEGEND,
    )


def _metric_cell(t: Trajectory, p: TrajectoryPoint, metric: Metric) -> str:
    """The value, with its change from baseline after the baseline: ``34 (+31)``; ``ND`` for
    an exam score NT leaves open, ``-`` when not recorded."""
    value = p.value(metric)
    if value is None:
        return "ND" if metric.from_exam and p.exam is not None else "-"
    digits = 2 if metric is Metric.TEN_MWT_SPEED else 0
    text = _num(value, digits)
    change, base = t.change(metric, p), t.baseline
    if change and base is not None and p.day > base.day:
        text += f" ({change:+.{digits}f})" if digits else f" ({change:+g})"
    return text


def visit_rows(t: Trajectory) -> Sequence[dict[str, str]]:
    """The participant's visit table: one row per visit, values with change from baseline."""
    rows = []
    for p in t.points:
        row = {"visit": p.visit, "day": str(p.day), "ais": p.ais_text, "nli": p.nli}
        row["baseline"] = "baseline" if p is t.baseline else ""
        if p.exam is not None:
            c = p.exam.result.to_praxis()["classification"]
            lv, zpp = c["neurologicalLevels"], c["zoneOfPartialPreservations"]
            row["motor"] = f"{lv['motorRight']} / {lv['motorLeft']}"
            row["sensory"] = f"{lv['sensoryRight']} / {lv['sensoryLeft']}"
            row["zpp"] = (
                f"S {zpp['sensoryRight']}/{zpp['sensoryLeft']} · "
                f"M {zpp['motorRight']}/{zpp['motorLeft']}"
            )
        else:
            row["motor"] = row["sensory"] = row["zpp"] = "-"
        row.update({m.name: _metric_cell(t, p, m) for m in Metric})
        rows.append(row)
    return rows


_ENV.globals["visit_rows"] = visit_rows

_GRID_WORDS = {"motor": "motor", "lightTouch": "light touch", "pinPrick": "pin prick"}


def exam_notes(t: Trajectory) -> Sequence[str]:
    """What the examiner noted beside the values, one line per exam that has notes: its
    comments and the reason of each cell tagged as non-SCI impairment
    (``week 12: right motor C6 3**: plexopathy; …``)."""
    lines = []
    for p in t.points:
        if p.exam is None or not (p.exam.impairments or p.exam.comments):
            continue
        raw = p.exam.exam.to_praxis()
        parts = []
        for path, given in p.exam.impairments.items():
            side, grid, level = path.split(".")
            reason = str(given.get("reason"))
            if given.get("other"):
                reason += f" ({given['other']})"
            parts.append(f"{side} {_GRID_WORDS[grid]} {level} {raw[side][grid][level]}: {reason}")
        if p.exam.comments:
            parts.append(f"comments: {p.exam.comments}")
        lines.append(f"{p.visit}: " + "; ".join(parts))
    return lines


_ENV.globals["exam_notes"] = exam_notes
