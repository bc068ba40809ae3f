"""Start-up stays light (issue 14, item 10): the command line imports a command's module
only when that command runs, and the heavy libraries only where they are used. Checked in a
fresh interpreter, from ``sys.modules`` (no timing)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "scipy", "weasyprint", "pyarrow", "numpy", "regencord.reports")


def _imported_after(code: str) -> set[str]:
    """The modules of :data:`HEAVY` (and command modules) loaded after running ``code``."""
    probe = (
        f"import sys\n{code}\n"
        "import json\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        f"if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r} "
        "or m.startswith(('regencord.cli.commands.', 'regencord.isncsci.batch', 'sqlalchemy')))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_importing_the_cli_imports_no_command_and_no_heavy_library() -> None:
    assert _imported_after("import regencord.cli.app") == set()


def test_root_help_imports_no_command() -> None:
    code = (
        "from typer.testing import CliRunner\n"
        "from regencord.cli.app import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0"
    )
    assert _imported_after(code) == set()


@pytest.mark.parametrize("name", ["trial", "participant", "exam", "measure", "report", "queries"])
def test_store_commands_import_no_plotting_pdf_or_arrays(name: str) -> None:
    loaded = _imported_after(f"from regencord.cli.app import load\nload({name!r})")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY}, loaded
    assert not [m for m in loaded if m.startswith("regencord.isncsci.batch")]
    assert "sqlalchemy" in loaded  # the store itself is loaded


def test_opening_a_database_does_not_import_alembic() -> None:
    """Alembic is loaded only to create or upgrade a schema, not to check its revision."""
    probe = (
        "import sys\nimport regencord.services.database\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
