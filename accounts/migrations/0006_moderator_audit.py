"""The moderation log, and moderators lose ``change_user``.

With ``change_user`` the user admin let a moderator make themselves a
superuser and set anyone's password. Moderators now view players and act on
them only through the audited actions (``moderate_player``), and read the log.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GRANTED = ["moderate_player", "view_moderatoraction"]
REVOKED = ["change_user"]


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)


def _moderators(apps):
    # Permissions are normally created after all migrations; create them first.
    config = apps.get_app_config("accounts")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Moderators")
    return group


def narrow_moderators(apps, schema_editor):
    group = _moderators(apps)
    group.permissions.remove(*_permissions(apps, REVOKED))
    group.permissions.add(*_permissions(apps, GRANTED))


def widen_moderators(apps, schema_editor):
    group = _moderators(apps)
    group.permissions.remove(*_permissions(apps, GRANTED))
    group.permissions.add(*_permissions(apps, REVOKED))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_leaderboard_opt_out"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ModeratorAction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("target_label", models.CharField(blank=True, max_length=254)),
                ("action", models.CharField(db_index=True, max_length=40)),
                ("reason", models.TextField(max_length=500)),
                ("details", models.JSONField(blank=True, default=dict)),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="moderator_actions_taken",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="moderator_actions_received",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("moderate_player", "Can act on players through moderator actions")
                ],
            },
        ),
        migrations.RunPython(narrow_moderators, widen_moderators),
    ]
