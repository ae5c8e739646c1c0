"""Age verification under concurrency (PostgreSQL, real threads): the player's
row lock serialises attestations and moderator changes."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from accounts.age.moderation import date_of_birth_correct
from accounts.models import AgeVerification, ModeratorAction
from accounts.services import age_verify
from tests.support.races import outcome, run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ALICE_BORN = date(1990, 1, 1)


def test_simultaneous_attestations_record_one(player):
    results = run_threads(
        6, lambda i: age_verify(player=player, date_of_birth=ALICE_BORN, ip_address="127.0.0.1")
    )

    assert Counter(outcome(result) for result in results) == {
        "AgeVerification": 1,
        "AgeAlreadyVerified": 5,
    }
    assert AgeVerification.objects.filter(player=player).count() == 1


def test_an_attestation_racing_a_correction_never_outlives_it(player, moderator):
    """Either the attestation came first (and the correction reset it) or it
    came second (and was refused: the date no longer matches): never a
    standing verification of the old date next to the corrected one."""

    def work(index: int):
        if index == 0:
            return date_of_birth_correct(
                actor=moderator, player=player, date_of_birth=date(1991, 5, 17), reason="Typo"
            )
        return age_verify(player=player, date_of_birth=ALICE_BORN, ip_address=None)

    results = run_threads(2, work)

    assert outcome(results[0]) == "ModeratorAction"
    assert outcome(results[1]) in {"AgeVerification", "AgeNotMatching"}
    player.refresh_from_db()
    assert player.date_of_birth == date(1991, 5, 17)
    assert not AgeVerification.objects.filter(player=player).exists()
    assert ModeratorAction.objects.get().action == "age.correct_dob"
