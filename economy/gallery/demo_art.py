"""Original, non-explicit demo art drawn with Pillow: art-deco fans, sunbursts and steps.

Deterministic for a seed, so the demo looks the same on every fresh clone.
"""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw

PALETTES = [
    ((18, 24, 38), (212, 165, 55), (240, 230, 200), (47, 191, 113)),
    ((28, 18, 40), (214, 69, 93), (246, 214, 160), (123, 92, 214)),
    ((10, 32, 40), (111, 211, 255), (230, 240, 245), (212, 165, 55)),
    ((36, 22, 16), (176, 141, 87), (250, 236, 210), (59, 74, 143)),
]


def _sunburst(draw, width, height, colors, rng) -> None:
    cx, cy = width / 2, height * rng.uniform(0.55, 0.8)
    rays = rng.choice([16, 20, 24, 32])
    radius = math.hypot(width, height)
    for ray in range(rays):
        start = 360 * ray / rays
        color = colors[1] if ray % 2 else colors[3]
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        draw.pieslice(box, start, start + 360 / rays / 2, fill=color)


def _fans(draw, width, height, colors, rng) -> None:
    size = width // rng.choice([4, 5, 6])
    for row, top in enumerate(range(-size // 2, height + size, size // 2)):
        offset = (size // 2) if row % 2 else 0
        for left in range(-size + offset, width + size, size):
            for ring in range(6, 0, -1):
                r = size * ring / 6 / 2
                color = colors[1] if ring % 2 else colors[2]
                cx, cy = left + size / 2, top + size / 2
                draw.pieslice((cx - r, cy - r, cx + r, cy + r), 180, 360, fill=color)


def _steps(draw, width, height, colors, rng) -> None:
    cx = width / 2
    for step in range(12, 0, -1):
        half = width * step / 26
        top = height - height * step / 13
        draw.rectangle((cx - half, top, cx + half, height), fill=colors[step % 2 + 1])
    for line in range(0, width, max(4, width // 48)):
        draw.line((line, 0, cx, height), fill=colors[3], width=1)


def _frame(draw, width, height, colors) -> None:
    for inset in (12, 22, 28):
        draw.rectangle((inset, inset, width - inset, height - inset), outline=colors[2], width=3)
    for corner_x, corner_y in ((0, 0), (width, 0), (0, height), (width, height)):
        for r in range(20, 90, 14):
            draw.arc(
                (corner_x - r, corner_y - r, corner_x + r, corner_y + r), 0, 360, fill=colors[1]
            )


DRAWINGS = [_sunburst, _fans, _steps]


def demo_image(seed: int, *, width: int = 1200, height: int = 900) -> Image.Image:
    """One deterministic art-deco picture (RGB)."""
    rng = random.Random(seed)
    colors = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (width, height), colors[0])
    draw = ImageDraw.Draw(image)
    DRAWINGS[seed % len(DRAWINGS)](draw, width, height, colors, rng)
    # A central medallion: the part stage 2 reveals.
    cx, cy, r = width // 2, height // 2, min(width, height) // 5
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colors[0], outline=colors[2], width=6)
    for ring in range(r - 16, 8, -18):
        draw.ellipse((cx - ring, cy - ring, cx + ring, cy + ring), outline=colors[1], width=4)
    for ray in range(24):
        angle = 2 * math.pi * ray / 24
        draw.line(
            (cx, cy, cx + r * math.cos(angle), cy + r * math.sin(angle)), fill=colors[3], width=2
        )
    _frame(draw, width, height, colors)
    return image


def demo_jpeg(seed: int, *, exif: bytes | None = None, **size) -> bytes:
    """The picture as JPEG bytes, optionally carrying EXIF (to prove it is stripped)."""
    out = io.BytesIO()
    options = {"exif": exif} if exif else {}
    demo_image(seed, **size).save(out, "JPEG", quality=92, **options)
    return out.getvalue()
