"""``manage.py gallery_demo``: the demo gallery, drawn with Pillow (idempotent).

One collection keyed to the shop's "Art deco gallery", three general
pictures and one mature-rated one (original geometric art, nothing explicit),
each with its own unlock path. Running it again adds nothing; pictures whose
derived files are missing (a fresh ``var/``) are derived again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from economy.gallery.demo_art import demo_jpeg
from economy.gallery.derive import Region, derived_file
from economy.gallery.services import gallery_item_create, gallery_item_derive
from economy.korean_defaults import korean_fill_current
from economy.models import Collection, PassTier, ShopItem, UnlockCondition
from economy.season_pass.defaults import defaults_seed_current

KEY_SLUG = "gallery-art-deco"
TITLE = "Art deco nights"
WIDTH, HEIGHT = 1200, 900
# The central medallion every demo picture has: what stage 2 reveals.
MEDALLION = Region(WIDTH // 2 - 190, HEIGHT // 2 - 190, 380, 380)

# (title, seed, rating, {stage: condition fields}); "pass_tier" is a tier number of Season 1.
COINS, MISSIONS, PASS, VIP = "COINS", "MISSIONS", "PASS_TIER", "VIP_TIER"
PICTURES = [
    (
        "Sunburst",
        0,
        "GENERAL",
        {2: {"kind": COINS, "coins": 150}, 3: {"kind": VIP, "vip_tier": "SILVER"}},
    ),
    (
        "Fan parade",
        1,
        "GENERAL",
        {2: {"kind": MISSIONS, "mission_count": 1}, 3: {"kind": COINS, "coins": 300}},
    ),
    (
        "Ziggurat",
        2,
        "GENERAL",
        {2: {"kind": PASS, "pass_tier": 1}, 3: {"kind": MISSIONS, "mission_count": 3}},
    ),
    (
        "Velvet hour",
        3,
        "MATURE",
        {2: {"kind": COINS, "coins": 200}, 3: {"kind": VIP, "vip_tier": "GOLD"}},
    ),
]


class Command(BaseCommand):
    help = "Create the demo gallery collection with Pillow-drawn art (idempotent)."

    def handle(self, *args, **options) -> None:
        key = ShopItem.objects.filter(slug=KEY_SLUG).first()
        if key is None:
            defaults_seed_current()
            key = ShopItem.objects.get(slug=KEY_SLUG)
        created = derived = 0
        with transaction.atomic():
            collection, _ = Collection.objects.get_or_create(
                title=TITLE,
                defaults={
                    "key_item": key,
                    "description": "Sunbursts, fans and steps: own the Art deco gallery to begin.",
                },
            )
            for order, (title, seed, rating, conditions) in enumerate(PICTURES):
                item = collection.items.filter(title=title).first()
                if item is None:
                    item = gallery_item_create(
                        collection=collection,
                        title=title,
                        rating=rating,
                        order=order,
                        original=demo_jpeg(seed, width=WIDTH, height=HEIGHT),
                        filename=f"demo-{seed}.jpg",
                        region=MEDALLION,
                    )
                    for stage, fields in conditions.items():
                        fields = dict(fields)
                        if "pass_tier" in fields:
                            fields["pass_tier"] = PassTier.objects.get(
                                season__slug="season-1", number=fields["pass_tier"]
                            )
                        UnlockCondition.objects.create(item=item, stage=stage, **fields)
                    created += 1
                elif not derived_file(item.asset_token, 3).is_file():
                    gallery_item_derive(item)
                    derived += 1
            korean_fill_current()
        self.stdout.write(
            f"Gallery demo: {created} pictures created, {derived} derived again, "
            f"in “{collection.title}” (key: {key.name})."
        )
