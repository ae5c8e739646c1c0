"""The economy's domain errors (see casino_club.kit.errors for how they reach clients)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from casino_club.kit.errors import DomainError


class InvalidAmount(DomainError):
    code = "invalid_amount"
    status = 400
    default_message = gettext_lazy("The amount must be a positive whole number of coins.")


class UnknownKind(DomainError):
    code = "unknown_kind"
    status = 400
    default_message = gettext_lazy("Unknown ledger kind.")


class TransferNotAllowed(DomainError):
    """The kind does not allow coins to flow between these two accounts."""

    code = "transfer_not_allowed"
    status = 422
    default_message = gettext_lazy("Coins cannot move between these accounts for this kind.")


class InsufficientCoins(DomainError):
    """The player does not have the coins; nothing was moved."""

    code = "insufficient_coins"
    status = 409
    default_message = gettext_lazy("Not enough coins.")


class IdempotencyConflict(DomainError):
    """The idempotency key was already used for a different request."""

    code = "idempotency_conflict"
    status = 409
    default_message = gettext_lazy("This Idempotency-Key was already used for a different request.")


class InvalidIdempotencyKey(DomainError):
    code = "invalid_idempotency_key"
    status = 400
    default_message = gettext_lazy(
        "The Idempotency-Key must be 1 to 64 visible ASCII characters (no spaces)."
    )


class BonusAlreadyClaimed(DomainError):
    code = "bonus_already_claimed"
    status = 409
    default_message = gettext_lazy("Today's bonus is already claimed. Come back tomorrow.")


class RefillNotAvailable(DomainError):
    code = "refill_not_available"
    status = 409
    default_message = gettext_lazy("The refill is not available right now.")


class EscrowShortfall(DomainError):
    """More would leave escrow for a match than it holds for that match."""

    code = "escrow_shortfall"
    status = 409
    default_message = gettext_lazy("The escrow does not hold that many coins for this match.")


class ReasonRequired(DomainError):
    code = "reason_required"
    status = 400
    default_message = gettext_lazy("A reason is required.")


class NotAModerator(DomainError):
    code = "permission_denied"
    status = 403
    default_message = gettext_lazy("Only moderators may adjust balances.")


class IdempotencyKeyReused(IdempotencyConflict):
    """A client's Idempotency-Key sent again with another request (endpoint, body or query)."""

    code = "idempotency_key_reused"
    status = 422
    default_message = gettext_lazy(
        "This Idempotency-Key was already used for a different request; "
        "use a new key for a new request."
    )
