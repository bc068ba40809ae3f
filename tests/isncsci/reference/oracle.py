"""The reference classifier (npm ``isncsci`` 2.0.6) as a black-box test oracle.

The package is installed outside the repository, in ``$REGENCORD_ISNCSCI_ORACLE``
(default ``~/.cache/regencord/isncsci-oracle``; ``.ci/run`` installs it there with
``npm install --no-audit --no-fund isncsci@2.0.6``). ``classify.cjs`` (ours) calls its
public API; one node process classifies a whole batch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.isncsci.reference.notation import Flat, flatten

ORACLE_PACKAGE = "isncsci"
ORACLE_VERSION = "2.0.6"
SCRIPT = Path(__file__).with_name("classify.cjs")


def oracle_home() -> Path:
    """The folder whose ``node_modules`` holds the reference package."""
    configured = os.environ.get("REGENCORD_ISNCSCI_ORACLE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "regencord" / "isncsci-oracle"


def reference_required() -> bool:
    """True when the reference tests must run (CI sets ``REGENCORD_REQUIRE_REFERENCE=1``)."""
    return os.environ.get("REGENCORD_REQUIRE_REFERENCE", "") not in ("", "0")


def reference_unavailable() -> str | None:
    """Why the reference cannot run here, or ``None`` when it can."""
    if shutil.which("node") is None:
        return "node is not on PATH (the reference classifier runs on node)"
    package = oracle_home() / "node_modules" / ORACLE_PACKAGE / "package.json"
    if not package.is_file():
        return (
            f"npm package {ORACLE_PACKAGE}@{ORACLE_VERSION} is not installed in {oracle_home()} "
            f"(run: npm install --prefix {oracle_home()} --no-audit --no-fund "
            f"{ORACLE_PACKAGE}@{ORACLE_VERSION}; or set REGENCORD_ISNCSCI_ORACLE)"
        )
    version = json.loads(package.read_text()).get("version")
    if version != ORACLE_VERSION:
        return f"{ORACLE_PACKAGE} {version} is installed in {oracle_home()}, not {ORACLE_VERSION}"
    return None


class OracleError(RuntimeError):
    """The node script failed, or the reference threw on an exam."""


def run_script(items: Sequence[Any], *, unions: bool = False) -> tuple[list[Any], float]:
    """Run ``classify.cjs`` on ``items`` in one node process: its per-item results and the
    classification time measured inside node (seconds)."""
    reason = reference_unavailable()
    if reason is not None:
        raise OracleError(reason)
    args = ["node", str(SCRIPT), *(["--unions"] if unions else [])]
    env = {**os.environ, "REGENCORD_ISNCSCI_ORACLE": str(oracle_home())}
    done = subprocess.run(
        args, input=json.dumps(items).encode(), capture_output=True, env=env, check=False
    )
    if done.returncode != 0:
        raise OracleError(f"{' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
    out = json.loads(done.stdout)
    results: list[Any] = out["results"]
    for i, r in enumerate(results):
        if "error" in r:
            raise OracleError(f"the reference threw on item {i}: {r['error']}")
    return results, float(out["seconds"])


@dataclass(frozen=True)
class ReferenceRun:
    """The reference's results (raw Praxis shape and the 25 normalised fields)."""

    raw: list[dict[str, Any]]
    flat: list[Flat]
    seconds: float
    """Classification time inside node, start-up excluded."""


def classify_reference(exams: Sequence[Mapping[str, Any]]) -> ReferenceRun:
    """Classify ``exams`` (Praxis-shaped dicts) with the reference."""
    raw, seconds = run_script(list(exams))
    return ReferenceRun(raw=raw, flat=[flatten(r) for r in raw], seconds=seconds)


def require_reference() -> None:
    """In a test: skip with the reason when the reference cannot run, or fail instead
    when ``REGENCORD_REQUIRE_REFERENCE=1``."""
    import pytest

    reason = reference_unavailable()
    if reason is None:
        return
    if reference_required():
        pytest.fail(f"REGENCORD_REQUIRE_REFERENCE=1 but {reason}")
    pytest.skip(reason)
