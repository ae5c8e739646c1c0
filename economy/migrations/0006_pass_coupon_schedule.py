"""Schedule the weekly season pass coupons (Mondays 06:00 UTC); permissions for moderators.

``get_or_create`` leaves a schedule a moderator has edited alone.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COUPONS = (
    "Season pass: weekly bonus XP for players behind the pace",
    "economy.pass_coupons_weekly",
)
MODERATOR_PERMISSIONS = [
    "view_shopitem",
    "change_shopitem",
    "add_shopitem",
    "view_season",
    "change_season",
    "add_season",
    "view_passtier",
    "change_passtier",
    "add_passtier",
    "view_shoppurchase",
    "view_inventoryitem",
    "view_referral",
]


def schedule_coupons(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    weekly, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="1",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    name, task = COUPONS
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": weekly})


def grant_moderators(apps, schema_editor):
    # On a fresh database the permissions of this app's models do not exist
    # yet while migrations run (they are made after the last one).
    config = apps.get_app_config("economy")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="economy", codename__in=MODERATOR_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0005_progression_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule_coupons, migrations.RunPython.noop),
        migrations.RunPython(grant_moderators, migrations.RunPython.noop),
    ]
