"""Let moderators publish game configurations and read rounds and seed pairs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("games", "view_gameconfig"),
    ("games", "add_gameconfig"),
    ("games", "view_gameround"),
    ("games", "view_seedpair"),
]


def grant_moderators(apps, schema_editor):
    # Permissions are normally created after all migrations; a data migration
    # that assigns them has to create them first.
    config = apps.get_app_config("games")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, codename in MODERATOR_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("games", "0002_live_rps"),
        ("accounts", "0002_moderators_and_schedules"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_moderators, migrations.RunPython.noop)]
