"""ID card OCR on the synthetic card set (tools/make_id_cards.py): accuracy and time per card.

    python bench/idcard_bench.py [--count 200] [--seed 16] [--cards DIR]

Per kind of card (clean, tilted, rot90, rot180, blurred, photocopy, jpeg) prints the share of
exact 公民身份号码 and 姓名, how many numbers were wrong *and* would have been filled without a
warning (must be 0), how many were flagged, and the time per card. Issue 16's targets: ≥ 98 %
exact numbers on clean cards, ≥ 90 % on degraded ones, 0 wrong numbers filled silently.
First, the automatic read's gate (`autoread.card_shaped`, before any OCR): every card page must
pass it (a card it refused would never read itself) and it must cost next to nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.services.idcard.autoread import card_shaped  # noqa: E402
from app.services.idcard.engine import default_engine  # noqa: E402
from app.services.idcard.reader import CardReading, read_card_file  # noqa: E402
from tools.make_id_cards import make_cards  # noqa: E402

Stats = dict[str, dict[str, float]]


def _count(stats: Stats, card: dict[str, str], reading: CardReading, spent: float) -> None:
    number = reading.number
    got = number.number if number else ""
    name = reading.fields.get("name")
    for kind in (card["kind"], "ALL"):
        s = stats[kind]
        s["n"] += 1
        s["time"] += spent
        s["id_exact"] += got == card["id_number"]
        s["id_trusted_ok"] += bool(number and number.trusted and got == card["id_number"])
        s["silent_wrong"] += bool(number and number.trusted and got != card["id_number"])
        s["flagged"] += bool(number is None or not number.trusted)
        s["name_exact"] += bool(name and name.value == card["name"])


def _report(stats: Stats) -> None:
    print(
        f"{'kind':10} {'n':>4} {'ID exact':>9} {'ID filled':>9} {'name':>7} "
        f"{'flagged':>8} {'silent wrong':>12} {'s/card':>7}"
    )
    for kind in sorted(stats, key=lambda k: (k == "ALL", k)):
        s = stats[kind]
        n = s["n"]
        print(
            f"{kind:10} {int(n):4d} {s['id_exact'] / n:9.1%} {s['id_trusted_ok'] / n:9.1%} "
            f"{s['name_exact'] / n:7.1%} {int(s['flagged']):8d} {int(s['silent_wrong']):12d} "
            f"{s['time'] / n:7.2f}"
        )


def _gate(folder: Path, truth: list[dict[str, str]]) -> None:
    """The shape check every page added to 身份证复印件 goes through: passes and time."""
    passed, spent = 0, 0.0
    for card in truth:
        with Image.open(folder / card["file"]) as image:
            image.load()
            began = time.perf_counter()
            passed += card_shaped(image)
            spent += time.perf_counter() - began
    blank = card_shaped(Image.new("RGB", (2480, 3508), "white"))
    print(
        f"auto-read gate: {passed}/{len(truth)} card pages pass, "
        f"{spent / len(truth) * 1000:.1f} ms/page; a blank A4 page passes: {blank}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--cards", type=Path, help="reuse a card folder (with truth.json)")
    parser.add_argument("--failures", action="store_true", help="list each miss")
    parser.add_argument("--verbose", action="store_true", help="one line per card, as it goes")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.cards or Path(tmp)
        if not (folder / "truth.json").exists():
            make_cards(folder, args.count, args.seed)
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        _gate(folder, truth)
        started = time.perf_counter()
        engine = default_engine()
        engine.lines(Image.new("RGB", (64, 32), "white"))
        print(f"engine load: {time.perf_counter() - started:.2f} s")
        stats: Stats = defaultdict(lambda: defaultdict(float))
        for card in truth:
            began = time.perf_counter()
            reading = read_card_file(folder / card["file"], engine)[0]
            _count(stats, card, reading, time.perf_counter() - began)
            if args.failures and (reading.number is None or not reading.number.trusted):
                name = reading.fields.get("name")
                print(f"  flagged {card['file']} {card['kind']} name: {name and name.value}")
            if args.verbose:
                number, name = reading.number, reading.fields.get("name")
                print(
                    f"card {card['file']} {card['kind']} {time.perf_counter() - began:.2f}"
                    f" id_exact={bool(number and number.number == card['id_number'])}"
                    f" trusted={bool(number and number.trusted)}"
                    f" name_exact={bool(name and name.value == card['name'])}",
                    flush=True,
                )
    _report(stats)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
