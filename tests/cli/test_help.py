"""Every command's ``--help`` reads like a well-kept CLI (issue 14, item 11): no type
placeholders such as ``<str>`` or ``<bool>``, arguments spelled once in capitals, no
reStructuredText markup, no summary cut short in a command list, lines that fit the
terminal, required options marked, and choices the same in help and in errors."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from typer.core import TyperGroup
from typer.testing import CliRunner

from regencord.cli.app import COMMANDS, app, load
from regencord.store.db import Database
from tests.cli.test_followup_cli import Cli
from tests.services.followup_data import TRIAL, setup_trial

WIDTH = 80
PLACEHOLDER = re.compile(r"<[a-z][a-z_|\[\], ]*>")
SUMMARY_CUT_SHORT: set[tuple[str, ...]] = set()
"""Groups whose command list may still cut a summary short: none."""


def _paths() -> Iterator[tuple[str, ...]]:
    yield ()
    for name in COMMANDS:
        yield from _walk((name,), load(name))


def _walk(path: tuple[str, ...], command: object) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from _walk((*path, name), sub)


PATHS = list(_paths())


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(
        app, [*path, "--help"], env={"COLUMNS": str(WIDTH)}, prog_name="regencord"
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_is_walked() -> None:
    assert len(PATHS) > 60
    assert ("participant", "timeline") in PATHS and ("query", "close") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "regencord")
def test_help_reads_like_a_well_kept_cli(path: tuple[str, ...]) -> None:
    text = _help(path)
    usage = text.splitlines()[0]
    assert usage.startswith("Usage: regencord"), usage
    assert "{" not in usage, usage  # not {STUDY_ID}
    assert not PLACEHOLDER.search(text), PLACEHOLDER.findall(text)
    assert "study_id" not in text  # one spelling: STUDY_ID
    assert "``" not in text  # no reStructuredText markup
    assert all(len(line) <= WIDTH for line in text.splitlines()), text
    for paragraph in _description(text):  # re-wrapped: no line cut short mid-sentence
        assert all(len(line) > WIDTH // 2 for line in paragraph[:-1]), paragraph
    listed = text.split("\nCommands:\n")[1] if "\nCommands:\n" in text else ""
    if path not in SUMMARY_CUT_SHORT:
        assert not [line for line in listed.splitlines() if line.endswith("...")], listed


def _description(text: str) -> list[list[str]]:
    """The paragraphs of the command's description (between the usage line and the first
    section), each as its lines."""
    body = text.split("\n\n", 1)[1].split("\n\nArguments:")[0].split("\n\nOptions:")[0]
    return [paragraph.splitlines() for paragraph in body.split("\n\n")]


def _options(text: str) -> dict[str, str]:
    """Option name -> its help entry (continuation lines joined)."""
    entries: dict[str, str] = {}
    current = ""
    for line in text.split("\nOptions:\n")[1].splitlines():
        if line.startswith("  -"):
            current = line.split()[0].rstrip(",")
            entries[current] = line
        elif current:
            joint = "" if entries[current].endswith("-") else " "  # a word cut at its hyphen
            entries[current] += joint + line.strip()
    return entries


@pytest.mark.parametrize(
    ("path", "required"),
    [
        (("participant", "add"), ("--trial", "--site", "--age", "--sex", "--injury-date")),
        (("ae", "add"), ("--term", "--onset", "--grade", "--outcome", "--cells")),
        (("exam", "add"), ("--trial", "--participant", "--visit", "--file")),
        (("query", "close"), ("--text",)),
        (("imaging", "add"), ("--date", "--modality", "--finding")),
        (("rehab", "add"), ("--date", "--kind", "--minutes")),
    ],
)
def test_required_options_are_marked(path: tuple[str, ...], required: tuple[str, ...]) -> None:
    options = _options(_help(path))
    for name in required:
        assert options[name].endswith("[required]"), options[name]
    assert not options["--db"].endswith("[required]")


def test_ae_outcome_choices_are_the_same_in_help_and_errors(db: Database) -> None:
    setup_trial(db)
    helped = _options(_help(("ae", "add")))["--outcome"]
    [error] = Cli(db).refused(
        "ae", "add", "--trial", TRIAL, "--participant", "P01", "--term", "x", "--onset",
        "2024-01-01", "--grade", "1", "--cells", "unrelated", "--surgery", "unrelated",
        "--immunosuppression", "unrelated", "--outcome", "better",
    )  # fmt: skip
    assert error.startswith("adverse event of P01: outcome: 'better' input should be ")
    for choice in ("not-recovered", "recovered-with-sequelae", "recovering", "fatal"):
        assert choice in helped
        assert choice in error
    assert "not_recovered" not in helped + error


def test_root_help_lists_every_command_without_importing_them() -> None:
    text = _help(())
    for name, entry in COMMANDS.items():
        assert re.search(rf"^  {name} +{re.escape(entry.summary)}$", text, re.MULTILINE), name
