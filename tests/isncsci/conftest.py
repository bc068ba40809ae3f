"""Hypothesis settings: random exploration on a developer's machine, a fixed (derandomized)
set of examples in CI so that a run's outcome depends only on the code."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
