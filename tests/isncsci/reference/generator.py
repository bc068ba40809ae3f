"""Seeded generated exams for the comparison with the reference, by category.

Built on :mod:`regencord.isncsci.synthetic` (injury patterns: levels C1 to S3 and normal
exams, complete with zones of partial preservation, sensory incomplete, motor incomplete
weak and strong, central cord; sacral sparing fitting the pattern), drawn with a generator
of our own per category, seed and index, so the categories are independent samples.

Categories:

- ``plain``: no NT, no tag;
- ``nt``: about 3% NT cells (single cells, sometimes a limb or the sacral exam; VAC/DAP NT);
- ``tags``: about 2% of cells tagged ``*`` or ``**`` (below-normal motor and sensory
  scores only: docs/adjudications.md I1);
- ``mixed``: both (so ``NT*`` and ``NT**`` occur).

In every category a side has a lowest non-key muscle with motor function with probability
0.15, and VAC/DAP are ``Yes``/``No`` as the pattern makes them (``NT`` with NT cells).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from regencord.isncsci.synthetic import generate_exam


@dataclass(frozen=True)
class Category:
    name: str
    nt_rate: float
    tag_rate: float


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category("plain", 0.0, 0.0),
        Category("nt", 0.03, 0.0),
        Category("tags", 0.0, 0.02),
        Category("mixed", 0.03, 0.02),
    )
}
NON_KEY_RATE = 0.15


def generate(category: str, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` exams of ``category`` with ids ``<category>-<seed>-<i>``; exam ``i`` depends only
    on the category, the seed and ``i``."""
    c = CATEGORIES[category]
    return [
        generate_exam(
            random.Random(f"regencord-reference:{category}:{seed}:{i}"),
            nt_rate=c.nt_rate,
            tag_rate=c.tag_rate,
            non_key_rate=NON_KEY_RATE,
            exam_id=f"{category}-{seed}-{i}",
        )
        for i in range(1, n + 1)
    ]
