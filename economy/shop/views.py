"""The shop page: the same services as the API; plain POST forms, no JavaScript needed."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casino_club.kit.errors import DomainError
from casino_club.kit.throttles import throttled_page
from economy.selectors import player_balance
from economy.shop import selectors, services


@login_required
def shop_page(request):
    context = {
        "offers": selectors.shop_offers(player=request.user),
        "inventory": selectors.inventory_for(player=request.user),
        "balance": player_balance(player=request.user),
        # A fresh key per page view: a double-clicked Buy button buys once.
        "buy_key": uuid.uuid4().hex,
    }
    return render(request, "economy/shop.html", context)


@login_required
@require_POST
@throttled_page("shop")
def buy(request):
    try:
        quantity = int(request.POST.get("quantity", "1"))
    except ValueError:
        quantity = 0
    try:
        result = services.shop_buy(
            player=request.user,
            item_slug=request.POST.get("item", ""),
            quantity=quantity,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You bought %(name)s for %(total)s coins. Your balance is %(balance)s.")
            % {
                "name": result.purchase.item.name,
                "total": result.purchase.total,
                "balance": result.balance,
            },
        )
    return redirect("shop")


@login_required
@require_POST
def equip(request):
    slug = request.POST.get("item", "")
    wear = request.POST.get("action") != "unequip"
    try:
        if wear:
            owned = services.item_equip(player=request.user, item_slug=slug)
        else:
            owned = services.item_unequip(player=request.user, item_slug=slug)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        text = _("You are wearing %(name)s.") if wear else _("You took off %(name)s.")
        messages.success(request, text % {"name": owned.item.name})
    return redirect(reverse("shop") + "#inventory")
