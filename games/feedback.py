"""The one line of feedback a round gets, pure.

Rules a responsible design keeps: only a payout above the wager is a win
worth celebrating (a payout below the wager is called what it is, never
dressed up as a win), and nothing ever suggests a win is "due" or near:
every round is independent of the ones before it.
"""

from __future__ import annotations

WIN = "win"
PUSH = "push"
SMALL_RETURN = "small_return"
LOSS = "loss"


def feedback_for(*, wager: int, payout: int) -> dict:
    net = payout - wager
    if payout > wager:
        kind, message = WIN, f"You won {payout} coins ({net:+d})."
    elif payout == wager:
        kind, message = PUSH, f"Your {wager} coins came back."
    elif payout > 0:
        kind, message = SMALL_RETURN, f"{payout} of your {wager} coins came back ({net:+d})."
    else:
        kind, message = LOSS, f"No win this round ({net:+d}). Each round is independent."
    return {"kind": kind, "net": net, "celebrate": payout > wager, "message": message}
