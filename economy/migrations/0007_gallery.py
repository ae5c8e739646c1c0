"""The gallery (collections, items, unlock conditions, unlocks); moderators manage it."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import economy.models.gallery

MODERATOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("collection", "galleryitem", "unlockcondition")
    for action in ("view", "add", "change", "delete")
] + ["view_galleryunlock"]


def grant_moderators(apps, schema_editor):
    config = apps.get_app_config("economy")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for codename in MODERATOR_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="economy", codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0006_pass_coupon_schedule"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Collection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=100)),
                ("description", models.CharField(blank=True, default="", max_length=300)),
                ("published", models.BooleanField(default=True)),
                ("sort_order", models.PositiveSmallIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "key_item",
                    models.ForeignKey(
                        blank=True,
                        help_text="Owning this shop item opens the collection; empty for everyone.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="gallery_collections",
                        to="economy.shopitem",
                    ),
                ),
            ],
            options={
                "ordering": ["sort_order", "id"],
            },
        ),
        migrations.CreateModel(
            name="GalleryItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=100)),
                ("description", models.CharField(blank=True, default="", max_length=300)),
                (
                    "rating",
                    models.CharField(
                        choices=[("GENERAL", "General"), ("MATURE", "Mature (verified age only)")],
                        default="GENERAL",
                        max_length=8,
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0)),
                ("published", models.BooleanField(default=True)),
                (
                    "original",
                    models.ImageField(
                        help_text="Kept private; never served. The stage images are derived from it.",
                        max_length=200,
                        storage=economy.models.gallery._storage,
                        upload_to=economy.models.gallery._original_path,
                    ),
                ),
                ("original_width", models.PositiveIntegerField(default=0, editable=False)),
                ("original_height", models.PositiveIntegerField(default=0, editable=False)),
                ("region_x", models.PositiveIntegerField(default=0)),
                ("region_y", models.PositiveIntegerField(default=0)),
                ("region_w", models.PositiveIntegerField(default=1)),
                ("region_h", models.PositiveIntegerField(default=1)),
                (
                    "asset_token",
                    models.CharField(
                        default=economy.models.gallery._asset_token, editable=False, max_length=32
                    ),
                ),
                ("derived_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "collection",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="economy.collection",
                    ),
                ),
            ],
            options={
                "ordering": ["collection", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="GalleryUnlock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stage", models.PositiveSmallIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("COINS", "Coins"),
                            ("PASS_TIER", "Season pass tier reached"),
                            ("MISSIONS", "Missions completed"),
                            ("VIP_TIER", "VIP tier reached"),
                        ],
                        max_length=10,
                    ),
                ),
                ("idempotency_key", models.CharField(blank=True, max_length=64, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="unlocks",
                        to="economy.galleryitem",
                    ),
                ),
                (
                    "player",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="gallery_unlocks",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "transaction",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="gallery_unlock",
                        to="economy.ledgertransaction",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="UnlockCondition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stage", models.PositiveSmallIntegerField(choices=[(2, "2"), (3, "3")])),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("COINS", "Coins"),
                            ("PASS_TIER", "Season pass tier reached"),
                            ("MISSIONS", "Missions completed"),
                            ("VIP_TIER", "VIP tier reached"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "coins",
                    models.PositiveIntegerField(blank=True, help_text="Price in coins.", null=True),
                ),
                ("mission_count", models.PositiveSmallIntegerField(default=1)),
                (
                    "vip_tier",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("BRONZE", "Bronze"),
                            ("SILVER", "Silver"),
                            ("GOLD", "Gold"),
                            ("PLATINUM", "Platinum"),
                            ("DIAMOND", "Diamond"),
                        ],
                        default="",
                        max_length=10,
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="conditions",
                        to="economy.galleryitem",
                    ),
                ),
                (
                    "mission_template",
                    models.ForeignKey(
                        blank=True,
                        help_text="Only this mission counts; empty for any mission.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="economy.missiontemplate",
                    ),
                ),
                (
                    "pass_tier",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="economy.passtier",
                    ),
                ),
            ],
            options={
                "ordering": ["item", "stage"],
            },
        ),
        migrations.AddConstraint(
            model_name="galleryitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("region_h__gte", 1), ("region_w__gte", 1)),
                name="gallery_region_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="galleryunlock",
            constraint=models.UniqueConstraint(
                fields=("player", "item", "stage"), name="gallery_unlock_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="galleryunlock",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key__isnull", False)),
                fields=("player", "idempotency_key"),
                name="gallery_unlock_idempotent",
            ),
        ),
        migrations.AddConstraint(
            model_name="galleryunlock",
            constraint=models.CheckConstraint(
                condition=models.Q(("stage__in", (2, 3))), name="gallery_unlock_stage"
            ),
        ),
        migrations.AddConstraint(
            model_name="unlockcondition",
            constraint=models.UniqueConstraint(
                fields=("item", "stage"), name="gallery_condition_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="unlockcondition",
            constraint=models.CheckConstraint(
                condition=models.Q(("stage__in", (2, 3))), name="gallery_condition_stage"
            ),
        ),
        migrations.AddConstraint(
            model_name="unlockcondition",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("coins__gt", 0), ("kind", "COINS")),
                    models.Q(("kind", "PASS_TIER"), ("pass_tier__isnull", False)),
                    models.Q(("kind", "MISSIONS"), ("mission_count__gte", 1)),
                    models.Q(("kind", "VIP_TIER"), models.Q(("vip_tier", ""), _negated=True)),
                    _connector="OR",
                ),
                name="gallery_condition_complete",
            ),
        ),
        migrations.RunPython(grant_moderators, migrations.RunPython.noop),
    ]
