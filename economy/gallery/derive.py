"""Deriving an item's stage images from its original with Pillow, at upload.

Sizes, blur radii and format are fixed here, not chosen per upload: every
stage is re-encoded from pixels (so no EXIF, ICC profile or comment of the
original survives), scaled so its longest side is ``FULL_SIZE`` (and a
``THUMB_SIZE`` thumbnail), and written as WebP under
``GALLERY_MEDIA_ROOT/derived/<asset token>/``.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageFilter, ImageOps

FULL_SIZE = 1024
THUMB_SIZE = 320
TEASER_BLUR = 48  # pixels of Gaussian radius at FULL_SIZE: shapes and colours only
PARTIAL_BLUR = 28  # the part of stage 2 outside the region
FORMAT = "WEBP"
SUFFIX = "webp"
CONTENT_TYPE = "image/webp"
QUALITY = 82
MAX_PIXELS = 40_000_000  # an upload larger than this is refused, never decoded
BACKGROUND = (18, 20, 28)  # what transparent pixels become


@dataclass(frozen=True)
class Region:
    x: int
    y: int
    w: int
    h: int

    def fits(self, width: int, height: int) -> bool:
        return (
            self.w >= 1
            and self.h >= 1
            and self.x >= 0
            and self.y >= 0
            and self.x + self.w <= width
            and self.y + self.h <= height
        )

    def scaled(self, factor: float, width: int, height: int) -> tuple[int, int, int, int]:
        """The region in a copy scaled by ``factor``, at least one pixel, inside the copy."""
        left = min(width - 1, int(self.x * factor))
        top = min(height - 1, int(self.y * factor))
        right = max(left + 1, min(width, round((self.x + self.w) * factor)))
        bottom = max(top + 1, min(height, round((self.y + self.h) * factor)))
        return left, top, right, bottom


def open_original(source) -> Image.Image:
    """The original as upright RGB pixels (EXIF orientation applied, alpha flattened).

    Raises ``ValueError`` for what is not a readable image or is too large.
    """
    with Image.open(source) as probe:
        width, height = probe.size
        if width * height > MAX_PIXELS:
            raise ValueError(f"The image is larger than {MAX_PIXELS:,} pixels.")
        probe.load()
        image = ImageOps.exif_transpose(probe)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, BACKGROUND)
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    # Fresh pixels, no metadata carried over.
    return Image.frombytes("RGB", image.size, image.tobytes())


def _fit(image: Image.Image, longest: int) -> Image.Image:
    factor = longest / max(image.size)
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _blur(image: Image.Image, radius: int) -> Image.Image:
    # Downscale, blur, upscale: as strong as a huge radius, far cheaper.
    small = image.resize(
        (max(1, image.width // 4), max(1, image.height // 4)), Image.Resampling.BILINEAR
    )
    small = small.filter(ImageFilter.GaussianBlur(radius / 4))
    return small.resize(image.size, Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(radius / 4)
    )


def stage_images(original: Image.Image, region: Region) -> dict[int, Image.Image]:
    """The three stages at FULL_SIZE: 1 blurred, 2 the region sharp on blur, 3 full."""
    full = _fit(original, FULL_SIZE)
    factor = full.width / original.width
    teaser = _blur(full, TEASER_BLUR)
    partial = _blur(full, PARTIAL_BLUR)
    box = region.scaled(factor, full.width, full.height)
    partial.paste(full.crop(box), box[:2])
    return {1: teaser, 2: partial, 3: full}


def derived_dir(token: str) -> Path:
    return Path(settings.GALLERY_MEDIA_ROOT).resolve() / "derived" / token


def derived_file(token: str, stage: int, *, thumb: bool = False) -> Path:
    return derived_dir(token) / f"{stage}{'-thumb' if thumb else ''}.{SUFFIX}"


def _write(image: Image.Image, path: Path) -> None:
    # Write beside, then rename: a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            image.save(out, FORMAT, quality=QUALITY, method=4)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def derive_files(*, source, region: Region, token: str) -> tuple[int, int]:
    """Write every stage (full and thumbnail) for ``token``; returns the original's size."""
    original = open_original(source)
    if not region.fits(original.width, original.height):
        raise ValueError("The region must lie inside the image.")
    folder = derived_dir(token)
    folder.mkdir(parents=True, exist_ok=True)
    for stage, image in stage_images(original, region).items():
        _write(image, derived_file(token, stage))
        _write(_fit(image, THUMB_SIZE), derived_file(token, stage, thumb=True))
    return original.width, original.height
