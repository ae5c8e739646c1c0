"""The user admin's audited actions: a confirmation page that asks for a
reason (and whatever else the action's form holds), then a moderation service
per player. ``accounts.admin`` builds suspend, reinstate and notify with it;
``accounts.age.admin`` the age verification actions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.moderation import REASON_MAX_LENGTH
from casino_club.kit.errors import DomainError


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Kept in the moderation log."),
    )


def form_action(modeladmin, request, queryset, *, form_class, title, perform):
    """An admin action with a confirmation page that asks for a reason (and
    whatever else ``form_class`` holds), then calls ``perform`` per player.

    Staff rows are skipped and reported: only superusers manage staff, and
    the services refuse them anyway.
    """
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for player in queryset:
            try:
                perform(request.user, player, form.cleaned_data)
            except DomainError as error:
                modeladmin.message_user(request, f"{player}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request, _("%(title)s: %(count)d player(s).") % {"title": title, "count": done}
            )
        return None
    return TemplateResponse(
        request,
        "admin/accounts/user/moderation_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "players": queryset,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )


def moderation_action(*, name: str, description, title, form_class, perform):
    """An audited admin action that asks for its form (a reason at least) first."""

    def action(modeladmin, request, queryset):
        return form_action(
            modeladmin, request, queryset, form_class=form_class, title=title, perform=perform
        )

    action.__name__ = name
    return admin.action(description=description, permissions=["moderate"])(action)
