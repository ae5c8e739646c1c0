"""The age gate in the database, and opt-in re-engagement notifications.

Players who joined before the gate without a nickname or a date of birth
(social auto-signups, admin-added users) cannot be given a birth date by a
migration, so they are deactivated: the constraint then holds, they cannot
sign in, and a moderator completes and reactivates them after checking their
age. Staff (createsuperuser) are exempt. Nobody is opted in to reminders:
nobody was asked before.
"""

from django.db import migrations, models


def park_players_without_the_gate(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    incomplete = models.Q(date_of_birth__isnull=True) | models.Q(nickname="")
    User.objects.filter(incomplete, is_staff=False, is_active=True).update(is_active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_moderator_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="notificationpreference",
            name="marketing_asked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notificationpreference",
            name="marketing_opt_in",
            field=models.BooleanField(
                default=False,
                help_text="Reminders when you have been away and news about limited-time events.",
                verbose_name="reminders and news",
            ),
        ),
        migrations.RunPython(park_players_without_the_gate, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_staff", True),
                    ("is_active", False),
                    models.Q(
                        ("date_of_birth__isnull", False),
                        models.Q(("nickname", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="user_player_has_nickname_and_birth_date",
                violation_error_message="A player needs a nickname and a date of birth.",
            ),
        ),
    ]
