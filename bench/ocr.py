"""Business-card OCR benchmark: `python -m bench.ocr [--cards 30] [--seed 20] [-v]`.

Generates German business cards (tests/capture/cards.py: Pillow, varied layouts and
fonts, rotation up to ±5°, noise), reads them with Tesseract (capture.cards.ocr) and the
card parser (capture.cards.parse), and prints the share of fields read exactly right;
writes bench/results/ocr.json {"cards": N, "fields": M, "accuracy": 0.xx, ...}.
A benchmark: it prints, it never fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from capture.cards import CARD_FIELDS
from capture.cards.ocr import read_image, tesseract_available
from capture.cards.parse import card_fields
from tests.capture.cards import generate_cards

RESULT = Path(__file__).resolve().parent / "results" / "ocr.json"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not tesseract_available():
        print("tesseract with 'deu' is not installed (Debian: tesseract-ocr tesseract-ocr-deu)")
        return 1
    cards = generate_cards(args.cards, seed=args.seed)
    right = total = 0
    misses: Counter[str] = Counter()
    by_layout: dict[str, list[int]] = {}
    started = time.monotonic()
    for number, card in enumerate(cards, 1):
        found = card_fields(read_image(card.image))
        ok = 0
        for name in CARD_FIELDS:
            total += 1
            if found.get(name, "") == card.fields[name]:
                right += 1
                ok += 1
            else:
                misses[name] += 1
                if args.verbose:
                    print(
                        f"card {number} ({card.layout}) {name}: "
                        f"{found.get(name, '')!r} != {card.fields[name]!r}"
                    )
        stats = by_layout.setdefault(card.layout, [0, 0])
        stats[0] += ok
        stats[1] += len(CARD_FIELDS)
    seconds = time.monotonic() - started
    accuracy = right / total if total else 0.0
    result = {
        "cards": len(cards),
        "fields": total,
        "accuracy": round(accuracy, 3),
        "right": right,
        "misses_by_field": dict(sorted(misses.items())),
        "accuracy_by_layout": {k: round(v[0] / v[1], 3) for k, v in sorted(by_layout.items())},
        "seconds_per_card": round(seconds / max(1, len(cards)), 2),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{len(cards)} cards, {total} fields, {right} exactly right: accuracy {accuracy:.1%}")
    print("misses by field:", dict(misses) or "none")
    print(f"written to {RESULT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
