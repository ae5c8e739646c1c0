"""manage.py simulate_game: the real resolve code against the published math."""

from __future__ import annotations

import copy
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from games.models import GameConfig
from games.registry import get


def run(*args) -> str:
    out = StringIO()
    call_command("simulate_game", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("slug", ["slots", "roulette", "rps"])
@pytest.mark.django_db
def test_a_small_run_agrees_with_the_published_rtp(slug):
    output = run(slug, "--spins", "3000")

    assert "published RTP" in output and "observed RTP" in output and "standard error" in output
    assert "within tolerance" in output


@pytest.mark.django_db
def test_it_uses_the_active_version():
    config = copy.deepcopy(get("rps").default_config)
    config["win_pays"] = "1.5"
    GameConfig.objects.create(game="rps", version=1, data=config, rtp=2.5 / 3, is_active=True)

    output = run("rps", "--spins", "2000", "--params", '{"bet": 100, "move": "paper"}')

    assert "active version 1" in output
    assert "published RTP: 0.833333" in output


@pytest.mark.django_db
def test_it_exits_non_zero_outside_the_tolerance():
    # Any finite sample misses the exact RTP by a little; a tolerance of
    # almost zero standard errors turns that miss into a failure.
    with pytest.raises(CommandError, match="standard errors from the published RTP"):
        run("roulette", "--spins", "500", "--tolerance", "0.0001")


@pytest.mark.django_db
def test_it_refuses_an_unknown_game_and_a_bad_bet():
    with pytest.raises(CommandError, match="Unknown game"):
        run("poker", "--spins", "10")
    with pytest.raises(CommandError, match="refused"):
        run("rps", "--spins", "10", "--params", '{"bet": 10, "move": "lizard"}')
