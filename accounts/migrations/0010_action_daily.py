"""The daily rollup of the action log, and the job that prunes the log.

Moderators may read the rollup (as they read the log); the prune runs daily
from beat (``ACTIONS_RETENTION_DAYS``, docs/operations.md).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

SCHEDULE = "Prune the action log"


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations; create them first.
    config = apps.get_app_config("accounts")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="view_actiondaily")
    )

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=SCHEDULE, defaults={"task": "accounts.prune_actions", "crontab": nightly}
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_action_log_marks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActionDaily",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("type", models.CharField(max_length=40)),
                ("count", models.BigIntegerField()),
                ("players", models.BigIntegerField()),
                ("value_sum", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "daily action total",
                "verbose_name_plural": "daily action totals",
                "ordering": ["-day", "type"],
                "constraints": [
                    models.UniqueConstraint(fields=("day", "type"), name="action_daily_once")
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
