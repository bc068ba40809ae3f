"""Help in the plain style of click programs such as git and sqlite-utils.

Typer (0.2x) shows a value placeholder such as ``<str>`` or ``<int>`` after every option
and argument, wraps required arguments in braces in the usage line (``{STUDY_ID}``) and
prints an argument twice (``STUDY_ID <str>``). Here, the parameters of a built command tree
are given the click conventions instead:

* an option shows its metavar (``--age YEARS``), else the value's kind in capitals
  (``TEXT``, ``INTEGER``, ``NUMBER``, ``PATH``) or its choices (``[json|csv]``); flags show
  nothing;
* an argument shows its name in capitals, ``[NAME]`` when optional, once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

_KINDS: dict[Any, str] = {str: "TEXT", int: "INTEGER", float: "NUMBER", Path: "PATH"}


def _kind(param: Any, ctx: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in descriptor.choices or ()) + "]"
    if descriptor.is_path:
        return "PATH"
    return _KINDS.get(descriptor.annotation, "VALUE")


class PlainOption(TyperOption):
    """An option whose value placeholder is its metavar or the click-style kind."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return _kind(self, ctx)


class PlainArgument(TyperArgument):
    """An argument shown once, by its name in capitals."""

    def _name(self) -> str:
        return str(self.metavar or (self.name or "").upper())

    def _usage_display_name(self) -> str:
        name = self._name() if self.required else f"[{self._name()}]"
        return name + ("..." if self.nargs != 1 else "")

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _rich_display_name(self) -> str:
        return self._name()


def plain(command: Any) -> Any:
    """``command`` and every command under it with plain-style parameters (in place)."""
    for param in command.params:
        if type(param) is TyperOption:
            param.__class__ = PlainOption
        elif type(param) is TyperArgument:
            param.__class__ = PlainArgument
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            plain(sub)
    return command
