"""The plain-text tables of the follow-up commands and the audit trail."""

from __future__ import annotations

from regencord.cli.followup import COLUMN_WIDTH, counted, table


def test_a_long_value_does_not_pad_every_line() -> None:
    long = "x" * 1774
    lines = table(("id", "old -> new", "reason"), [(1, long, "why"), (2, "a -> b", "typo")])
    assert lines[0].split() == ["id", "old", "->", "new", "reason"]
    assert lines[1] == f"1   {long}  why"  # printed whole, shifting its own line only
    assert lines[2] == "2   a -> b      typo"
    assert max(len(line) for line in (lines[0], lines[2])) <= 2 * COLUMN_WIDTH


def test_counted_agrees_in_number() -> None:
    assert counted(1, "participant") == "1 participant"
    assert counted(0, "query") == "0 queries"
    assert counted(2, "day") == "2 days"
    assert counted(3, "analysis", "analyses") == "3 analyses"
