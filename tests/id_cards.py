"""Synthetic ID card images for the OCR tests, made by tools/make_id_cards.py with a fixed seed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tools.make_id_cards import make_cards

SEED = 16


def cards(folder: Path, kinds: list[str], seed: int = SEED) -> list[dict[str, Any]]:
    """One card per kind ("clean", "rot180", "tilted", "photocopy"…): [{file, name, id_number…}]."""
    make_cards(folder, len(kinds), seed, kinds)
    truth: list[dict[str, Any]] = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return truth
