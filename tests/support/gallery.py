"""Gallery rows for tests: a collection keyed to the shop's Art deco gallery, items with
real derived images (under the test's own GALLERY_MEDIA_ROOT), keys and age checks."""

from __future__ import annotations

from PIL import Image

from accounts.services import age_verify
from economy.gallery.demo_art import demo_jpeg
from economy.gallery.derive import Region
from economy.gallery.services import gallery_item_create
from economy.models import Collection, ItemSource, ShopItem, UnlockCondition
from economy.season_pass.defaults import defaults_seed_current
from economy.shop.services import inventory_grant

KEY_SLUG = "gallery-art-deco"
# The stage 2 region of every test picture, in original pixels (600 × 450 originals).
REGION = Region(200, 150, 200, 150)


def key_item() -> ShopItem:
    item = ShopItem.objects.filter(slug=KEY_SLUG).first()
    if item is None:  # a transactional test flushed the seeded catalogue
        defaults_seed_current()
        item = ShopItem.objects.get(slug=KEY_SLUG)
    return item


def make_collection(*, keyed: bool = True, title: str = "Deco nights") -> Collection:
    return Collection.objects.create(title=title, key_item=key_item() if keyed else None)


def make_item(
    collection: Collection,
    *,
    title: str = "Sunburst",
    rating: str = "GENERAL",
    seed: int = 1,
    conditions: dict[int, dict] | None = None,
    exif: bytes | None = None,
):
    """An item with derived stages; by default stage 2 costs 100 coins, stage 3 needs Silver."""
    item = gallery_item_create(
        collection=collection,
        title=title,
        rating=rating,
        original=demo_jpeg(seed, exif=exif, width=600, height=450),
        filename="art.jpg",
        region=REGION,
    )
    if conditions is None:
        conditions = {
            2: {"kind": "COINS", "coins": 100},
            3: {"kind": "VIP_TIER", "vip_tier": "SILVER"},
        }
    for stage, fields in conditions.items():
        UnlockCondition.objects.create(item=item, stage=stage, **fields)
    return item


def give_key(player) -> None:
    inventory_grant(player=player, item=key_item(), quantity=1, source=ItemSource.SHOP)


def verify_age(player) -> None:
    age_verify(player=player, date_of_birth=player.date_of_birth, ip_address="127.0.0.1")


def image_of(response) -> Image.Image:
    import io

    body = b"".join(response.streaming_content) if response.streaming else response.content
    image = Image.open(io.BytesIO(body))
    image.load()
    return image
