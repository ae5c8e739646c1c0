"""The wallet page: the same services as the API, answered with HTML and messages."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casino_club.kit.errors import DomainError
from casino_club.kit.throttles import throttled_page
from economy import faucets, selectors
from economy.forms import LedgerFilterForm

PAGE_SIZE = 20


def error_text(error: DomainError) -> str:
    """The page's translated wording for a domain error."""
    texts = {
        "bonus_already_claimed": _("Today's bonus is already claimed. Come back tomorrow."),
        "refill_not_available": _("The refill is not available right now."),
        "invalid_idempotency_key": _("That form was not valid. Please try again."),
    }
    return texts.get(error.code, error.message)


@login_required
def wallet_page(request):
    form = LedgerFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    entries = selectors.ledger_entries_for(player=request.user, **filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "state": faucets.wallet_state(player=request.user),
        "form": form,
        "page": page,
        # A fresh key per page view: a double-clicked button claims once.
        "claim_key": uuid.uuid4().hex,
    }
    return render(request, "economy/wallet.html", context)


def _claim(request, claim, success: str):
    key = request.POST.get("idempotency_key") or None
    try:
        result = claim(player=request.user, idempotency_key=key)
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success % {"amount": result.amount, "balance": result.balance})
    return redirect("wallet")


@login_required
@require_POST
@throttled_page("claim")
def daily_claim(request):
    return _claim(
        request,
        faucets.daily_bonus_claim,
        _("You claimed %(amount)s coins. Your balance is %(balance)s."),
    )


@login_required
@require_POST
@throttled_page("claim")
def refill_claim(request):
    return _claim(
        request,
        faucets.refill_claim,
        _("Refilled %(amount)s coins. Your balance is %(balance)s."),
    )
