"""The Celery application: autodiscovers ``tasks.py`` in every installed app.

Schedules live in django-celery-beat's tables (editable in admin); each app
creates its default schedule rows in a data migration.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casino_club.settings")

app = Celery("casino_club")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
