"""A visit's window and where a visit stands against it.

Rules: a visit's window runs from ``target - window_before`` to ``target + window_after``
days, where ``target`` is ``target_day`` days after its anchor (the injury date, or the
participant's transplant date, unknown until the transplant is recorded). A visit done
before its window opened is early, after it closed late; a visit not done is pending
until its window closes, then overdue; without the anchor date, a done visit's window is
unknown and a visit not done is pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from regencord.store.models import ScheduledVisit


class WindowStatus(Enum):
    IN_WINDOW = "in window"
    EARLY = "early"
    """Done before its window opened."""
    LATE = "late"
    """Done after its window closed."""
    MISSED = "missed"
    PENDING = "pending"
    """Not done yet; its window has not closed (or its anchor date is not known yet)."""
    OVERDUE = "overdue"
    """Not done and its window has closed."""
    UNKNOWN = "anchor unknown"
    """Done, but the anchor date (transplant) is not recorded, so the window is unknown."""


@dataclass(frozen=True)
class Window:
    target: date
    opens: date
    closes: date


def window_of(scheduled: ScheduledVisit, anchor: date | None) -> Window | None:
    if anchor is None:
        return None
    target = anchor + timedelta(days=scheduled.target_day)
    return Window(
        target=target,
        opens=target - timedelta(days=scheduled.window_before),
        closes=target + timedelta(days=scheduled.window_after),
    )


def window_status(
    window: Window | None, actual: date | None, missed: bool, on: date
) -> WindowStatus:
    """Where a visit stands against its window, as of the day ``on``."""
    if missed:
        return WindowStatus.MISSED
    if actual is None:
        if window is not None and on > window.closes:
            return WindowStatus.OVERDUE
        return WindowStatus.PENDING
    if window is None:
        return WindowStatus.UNKNOWN
    if actual < window.opens:
        return WindowStatus.EARLY
    if actual > window.closes:
        return WindowStatus.LATE
    return WindowStatus.IN_WINDOW
