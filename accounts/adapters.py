from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from accounts.services import player_joined, player_logged_in


class AccountAdapter(DefaultAccountAdapter):
    """The one place allauth is customised: signup stores our extra fields."""

    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        user.nickname = data["nickname"]
        user.date_of_birth = data["date_of_birth"]
        if not commit:
            return super().save_user(request, user, form, commit=False)
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            player_joined(player=user, source="signup")
        return user

    def login(self, request, user):
        super().login(request, user)
        # Missions count days with a login ("log in on N days"), pages and apps alike.
        player_logged_in(player=user)
