"""Schedules for notification delivery and inactivity reminders; moderators
may compose broadcasts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["add_broadcast", "view_broadcast", "view_notification"]


def forwards(apps, schema_editor):
    config = apps.get_app_config("accounts")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="accounts", codename=codename)
        )

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30s, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Deliver scheduled notifications",
        defaults={"task": "accounts.deliver_notifications", "interval": every_30s},
    )
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name="Inactivity reminders",
        defaults={"task": "accounts.inactivity_reminders", "crontab": hourly},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
