"""Play many rounds of a game through the real resolve code and compare with its published math.

    manage.py simulate_game slots --spins 1000000

Uses the game's active configuration version (``--default`` for the code's
default). Exits non-zero when the observed RTP is further from the published
one than the tolerance (4 standard errors), so it can guard a release.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from games import registry
from games.errors import BetInvalid, UnknownGame
from games.models import GameConfig
from games.simulate import TOLERANCE_STANDARD_ERRORS, simulate


class Command(BaseCommand):
    help = "Simulate rounds of a game and check the observed RTP against the published RTP."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the game, e.g. slots, roulette, rps")
        parser.add_argument("--spins", type=int, default=100_000)
        parser.add_argument("--seed", default="casino-club-simulation")
        parser.add_argument("--params", help="the bet as JSON (default: the game's example bet)")
        parser.add_argument(
            "--tolerance",
            type=float,
            default=TOLERANCE_STANDARD_ERRORS,
            help="how many standard errors apart still count as agreement",
        )
        parser.add_argument(
            "--default", action="store_true", help="use the code's default config, not the DB's"
        )

    def handle(self, *args, slug, spins, seed, params, tolerance, default, **options):
        try:
            spec = registry.get(slug)
        except UnknownGame:
            known = ", ".join(s.slug for s in registry.all_games())
            raise CommandError(f"Unknown game {slug!r}; known games: {known}.") from None
        if spins < 2:
            raise CommandError("--spins must be at least 2.")
        try:
            bet = json.loads(params) if params else None
        except json.JSONDecodeError as error:
            raise CommandError(f"--params is not JSON: {error}") from None

        config, source = None, "code default"
        if not default:
            active = GameConfig.objects.filter(game=slug, is_active=True).first()
            if active is not None:
                config, source = active.data, f"active version {active.version}"
        try:
            result = simulate(slug, spins, seed=seed, params=bet, config=config)
        except BetInvalid as error:
            raise CommandError(f"--params refused: {error.message} {error.fields}") from None

        write = self.stdout.write
        write(f"{spec.name} ({slug}), config: {source}")
        write(f"bet: {json.dumps(result['params'])} = {result['wager_per_round']} coins a round")
        write(f"rounds: {spins:,} in {result['elapsed_seconds']:.1f} s")
        write(f"published RTP: {result['expected_rtp']:.6f}")
        write(
            f"observed RTP:  {result['observed_rtp']:.6f}  "
            f"(standard error {result['standard_error']:.6f}, z = {result['z_score']:+.2f})"
        )
        if result["expected_hit_frequency"] is not None:
            write(
                f"hit frequency: observed {result['observed_hit_frequency']:.6f}, "
                f"published {result['expected_hit_frequency']:.6f}"
            )
        if abs(result["z_score"]) > tolerance:
            raise CommandError(
                f"observed RTP is {abs(result['z_score']):.2f} standard errors from the published "
                f"RTP (tolerance {tolerance})"
            )
        write(self.style.SUCCESS(f"within tolerance ({tolerance} standard errors)"))
