"""README's screenshots, cut from what the browser tour saved (``make screenshots``).

``casino_club/tests/test_browser_tour.py`` saves every page at both sizes
under ``test-artifacts/tour/``; this keeps the first screen of three of them,
reduced to 256 colours so the repository stays small.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

TOUR = Path("test-artifacts/tour/en")
OUT = Path("docs/screenshots")
SHOTS = {
    "home": ("desktop-home.png", (1280, 800)),
    "slots": ("desktop-slots.png", (1280, 800)),
    "leaderboards": ("desktop-leaderboards.png", (1280, 800)),
    "slots-phone": ("phone-slots.png", (390, 844)),
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (source, (width, height)) in SHOTS.items():
        path = TOUR / source
        if not path.exists():
            print(f"{path} is missing: run the browser tour first (make screenshots)")
            return 1
        with Image.open(path) as image:
            first_screen = image.convert("RGB").crop((0, 0, width, min(height, image.height)))
            first_screen.quantize(colors=256, dither=Image.Dither.NONE).save(
                OUT / f"{name}.png", optimize=True
            )
        print(f"{OUT / name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
