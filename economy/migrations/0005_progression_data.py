"""Progression's defaults: mission templates, moderators' permissions, the two schedules.

``get_or_create`` everywhere: templates and schedules a moderator has
edited stay as they are.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    "add_missiontemplate",
    "change_missiontemplate",
    "view_missiontemplate",
    "add_event",
    "change_event",
    "view_event",
    "view_playerprogress",
    "view_playermission",
    "view_xpgrant",
]

# code, title, description, type, target, game, period, coins, xp, position
DEFAULT_TEMPLATES = [
    ("daily-play-10", "Play 10 rounds", "Any game counts.", "PLAY_ROUNDS", 10, "", "DAILY", 50, 50, 1),
    ("daily-win-3", "Win 3 rounds", "A win pays more than its wager.", "WIN_ROUNDS", 3, "", "DAILY", 60, 40, 2),
    ("daily-bonus", "Claim your daily bonus", "From the wallet page.", "CLAIM_DAILY_BONUS", 1, "", "DAILY", 0, 30, 3),
    ("weekly-wager-5000", "Wager 5,000 coins", "Across all games this week.", "WAGER_COINS", 5000, "", "WEEKLY", 300, 200, 1),
    ("weekly-slots-50", "Spin the slots 50 times", "", "PLAY_ROUNDS", 50, "slots", "WEEKLY", 200, 150, 2),
    ("weekly-live-win", "Win a live RPS match", "Against another player.", "WIN_LIVE_MATCH", 1, "", "WEEKLY", 150, 150, 3),
    ("weekly-login-4", "Visit on 4 days", "Sign in on four different days.", "LOGIN_DAYS", 4, "", "WEEKLY", 200, 150, 4),
    ("weekly-break-24", "Take a day off", "24 hours in a row without a round. Breaks are part of playing well.", "TAKE_BREAK", 24, "", "WEEKLY", 200, 200, 5),
]  # fmt: skip

ROLL_OVER = ("Mission roll-over (hourly, at local midnight)", "economy.missions_roll_over")
ANNOUNCE = ("Event start announcements (every minute)", "economy.events_announce")


def seed_templates(apps, schema_editor):
    MissionTemplate = apps.get_model("economy", "MissionTemplate")
    for (
        code,
        title,
        description,
        type_,
        target,
        game,
        period,
        coins,
        xp,
        position,
    ) in DEFAULT_TEMPLATES:
        MissionTemplate.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "description": description,
                "type": type_,
                "target": target,
                "game": game,
                "period": period,
                "reward_coins": coins,
                "reward_xp": xp,
                "position": position,
            },
        )


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


def schedule_jobs(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    name, task = ROLL_OVER
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": hourly})
    minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    name, task = ANNOUNCE
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": minute})


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0004_pass_shop_invites"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(seed_templates, migrations.RunPython.noop),
        migrations.RunPython(grant_moderators, migrations.RunPython.noop),
        migrations.RunPython(schedule_jobs, migrations.RunPython.noop),
    ]
