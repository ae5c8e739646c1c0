"""``manage.py forecast_accuracy``: the engagement forecast's error on the last month."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from games.segments.services import forecast_accuracy


class Command(BaseCommand):
    help = (
        "Fit the engagement forecast as the nightly job would have a month ago (features "
        "in the 30 days before now - 60 days, outcome the next 30) and print its mean "
        "absolute error on the last 30 days, which that fit never saw, next to 'as many "
        "days as in the last 30' and 'everyone the average'. Reads only; needs 90 days "
        "of rounds. One pass over the last 90 days of rounds: run it when the site is quiet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="the end of the held-out month (ISO 8601, e.g. 2026-12-01T00:00:00Z); "
            "default: now",
        )

    def handle(self, *args, now=None, **options):
        at = self._moment(now) if now else timezone.now()
        accuracy = forecast_accuracy(now=at)
        for line in accuracy.lines():
            self.stdout.write(line)
        if accuracy.fit is None:
            raise CommandError("no fit: fewer than 3 players or no spread in the features")

    @staticmethod
    def _moment(text: str) -> datetime:
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise CommandError(f"--now: not an ISO 8601 date and time: {text!r}")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
