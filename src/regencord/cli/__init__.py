"""The ``regencord`` command line. Commands live in :mod:`regencord.cli.commands`; the
Typer application that gathers them is :data:`regencord.cli.app.app`."""
