"""DISARM techniques, read from the copy of the DISARM Red Framework in ``ontology/disarm/``.

DISARM data: DISARM Foundation, CC BY-SA 4.0 (see ``ontology/disarm/SOURCE.md``).

>>> t = load_techniques()["T0049.004"]
>>> t.name, t.parent
('Utilise Spamoflauge', 'T0049')
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from iokg.settings import DISARM_CSV


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    tactic_id: str
    tactic_name: str
    phase_id: str
    parent: str | None


@lru_cache(maxsize=4)
def load_techniques(path: Path = DISARM_CSV) -> dict[str, Technique]:
    """Every DISARM technique and sub-technique, by id."""
    with open(path, newline="", encoding="utf-8") as f:
        return {
            row["technique_id"]: Technique(
                row["technique_id"], row["technique_name"], row["tactic_id"], row["tactic_name"],
                row["phase_id"], row["parent_technique_id"] or None)
            for row in csv.DictReader(f)
        }
