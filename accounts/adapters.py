"""The one place allauth is customised.

Every allauth signup (the page, the headless API, a social sign-up's
completion form) ends in ``accounts.services.player_register``: nickname,
age gate and the ``PLAYER_JOINED`` action (wallet and grant) in one
transaction. A social sign-up never completes on its own: allauth's
auto-signup would save the user without any form, skipping all three. A
signup from a network or device that made too many accounts today is
refused while its email is cleaned (``accounts.abuse``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import get_login_redirect_url
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from accounts.abuse import login_record, signup_check, signup_record
from accounts.acquisition import acquisition_record
from accounts.models import User
from accounts.services import player_logged_in, player_register
from casino_club.kit.translated import language_base


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not commit:
            data = form.cleaned_data
            user.nickname = data["nickname"]
            user.date_of_birth = data["date_of_birth"]
            return user
        # The language the signup page (or the app's Accept-Language) was in.
        user.language = language_base(translation.get_language())
        source = "social" if getattr(form, "sociallogin", None) else "signup"
        with transaction.atomic():
            player = player_register(
                user=user,
                nickname=form.cleaned_data["nickname"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                source=source,
            )
            # Where the browser first came from (the cc_src cookie); docs/insight.md.
            acquisition_record(player=player, request=request)
            # The hashed network and device the next signups are counted by.
            signup_record(player=player, request=request)
        return player

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = context.request
        # Every signup form (the page, headless, a social sign-up's completion)
        # cleans the email; a signed-in player adding an address is not a signup.
        if request is not None and not request.user.is_authenticated:
            signup_check(request)
        return email

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails (confirmation, password reset) in the player's language.

        A password reset is requested signed out, perhaps from another browser:
        the stored language wins over the request's, as for notifications.
        """
        language = (
            User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
        )
        with translation.override(language or translation.get_language()):
            super().send_mail(template_prefix, email, context)

    def post_login(self, request, user, *, signup: bool, redirect_url, **kwargs):
        if signup:
            # Asked once, right after signup (reminders and news are opt-in),
            # then on to wherever the player was going (an invite page, say).
            after = get_login_redirect_url(request, redirect_url)
            redirect_url = reverse("reminders-question")
            if after != reverse("home"):
                redirect_url += "?" + urlencode({"next": after})
        return super().post_login(request, user, signup=signup, redirect_url=redirect_url, **kwargs)

    def login(self, request, user):
        super().login(request, user)
        # Missions count days with a login ("log in on N days"), pages and apps alike.
        player_logged_in(player=user)
        login_record(player=user, request=request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        # Always show the completion form (nickname, date of birth): a
        # provider tells us neither, and never that the player is old enough.
        return False

    def save_user(self, request, sociallogin, form=None):
        if form is None:
            raise ValueError("A social sign-up must go through the completion form.")
        user = sociallogin.user
        user.set_unusable_password()
        # One transaction: the player, their PLAYER_JOINED and the social
        # account link are saved together or not at all.
        with transaction.atomic():
            get_account_adapter(request).save_user(request, user, form)
            sociallogin.save(request)
        return user
