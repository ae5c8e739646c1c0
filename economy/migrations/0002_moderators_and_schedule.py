"""Give moderators the ledger views and adjustments; schedule the nightly reconciliation.

``get_or_create`` leaves a schedule a moderator has edited alone.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("economy", "view_account"),
    ("economy", "view_ledgertransaction"),
    ("economy", "view_entry"),
    ("economy", "view_bonusclaim"),
    ("economy", "view_adjustment"),
    ("economy", "add_adjustment"),
    ("economy", "view_economysettings"),
    ("economy", "change_economysettings"),
]

RECONCILE_TASK = ("Nightly ledger reconciliation", "economy.reconcile_ledger")


def grant_moderators(apps, schema_editor):
    # Permissions are normally created after all migrations; a data migration
    # that assigns them has to create them first.
    config = apps.get_app_config("economy")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, codename in MODERATOR_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        group.permissions.add(permission)


def schedule_reconciliation(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    name, task = RECONCILE_TASK
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0001_initial"),
        ("accounts", "0002_moderators_and_schedules"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(grant_moderators, migrations.RunPython.noop),
        migrations.RunPython(schedule_reconciliation, migrations.RunPython.noop),
    ]
