"""Domain errors of live matches; ``code`` is what the socket's error message carries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from casino_club.kit.errors import Conflict, DomainError, NotFound


class MatchNotFound(NotFound):
    code = "not_found"
    default_message = gettext_lazy("No such match.")


class NotYourMatch(DomainError):
    code = "not_your_match"
    status = 403
    default_message = gettext_lazy("You are not a player in this match.")


class AlreadyInMatch(Conflict):
    code = "already_in_match"
    default_message = gettext_lazy("You are already queued or playing a match.")


class InvalidStake(DomainError):
    code = "invalid_stake"
    default_message = gettext_lazy("Choose one of the offered stakes.")


class InvalidCommitment(DomainError):
    code = "invalid_commitment"
    default_message = gettext_lazy(
        "A commitment is sha256(move:salt) as 64 lowercase hex characters."
    )


class InvalidReveal(DomainError):
    code = "invalid_reveal"
    default_message = gettext_lazy(
        "Reveal a move (rock, paper or scissors) and the salt you committed with."
    )


class WrongPhase(Conflict):
    code = "wrong_phase"
    default_message = gettext_lazy("The match is not in a phase that accepts this message.")


class AlreadyCommitted(Conflict):
    code = "already_committed"
    default_message = gettext_lazy("You already committed a move in this match.")


class AlreadyRevealed(Conflict):
    code = "already_revealed"
    default_message = gettext_lazy("You already revealed your move in this match.")


class RevealMismatch(DomainError):
    code = "bad_reveal"
    status = 422
    default_message = gettext_lazy(
        "That move and salt do not match your commitment. "
        "Send the exact pair you committed before the reveal deadline."
    )


class NoOpenMatch(Conflict):
    code = "no_open_match"
    default_message = gettext_lazy("You are not queued or playing.")


class RematchUnavailable(Conflict):
    code = "rematch_unavailable"
    default_message = gettext_lazy(
        "A rematch is only possible after a finished match between two players."
    )
