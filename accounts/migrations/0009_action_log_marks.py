"""From a receipt per delivery to a high-water mark per subscriber.

Each subscriber that has receipts starts at the newest action it handled
(actions that failed before the upgrade and were never handled are not
retried: the redelivery job they waited for is gone). The beat job that
redelivered actions becomes the one that runs the pipeline.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Max

import casino_club.kit.db


def marks_from_receipts(apps, schema_editor):
    Action = apps.get_model("accounts", "Action")
    ActionReceipt = apps.get_model("accounts", "ActionReceipt")
    SubscriberMark = apps.get_model("accounts", "SubscriberMark")
    # Every existing row got the migration's own transaction id.
    txid = Action.objects.aggregate(txid=Max("txid"))["txid"] or 0
    newest = ActionReceipt.objects.values("subscriber").annotate(last=Max("action_id"))
    for row in newest:
        SubscriberMark.objects.update_or_create(
            name=row["subscriber"], defaults={"txid": txid, "action_id": row["last"]}
        )


def schedule_pipeline(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.filter(task="accounts.redeliver_actions").delete()
    PeriodicTask.objects.get_or_create(
        name="Run the action pipeline",
        defaults={"task": "accounts.process_actions", "interval": interval},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_push_relay"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubscriberMark",
            fields=[
                ("name", models.CharField(max_length=80, primary_key=True, serialize=False)),
                ("txid", models.BigIntegerField(default=0)),
                ("action_id", models.BigIntegerField(default=0)),
                (
                    "handled",
                    models.BigIntegerField(
                        default=0, help_text="Actions handled since it was created."
                    ),
                ),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.AddField(
            model_name="action",
            name="txid",
            field=models.BigIntegerField(
                db_default=casino_club.kit.db.CurrentTransactionId(), editable=False
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["txid", "id"], name="action_log_order"),
        ),
        migrations.RunPython(marks_from_receipts, migrations.RunPython.noop),
        migrations.RunPython(schedule_pipeline, migrations.RunPython.noop),
        migrations.DeleteModel(name="ActionReceipt"),
    ]
