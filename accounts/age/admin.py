"""Age verification in admin: read-only for everyone (superusers included),
changed only through the three audited actions on the user list.

Moderators (``accounts.moderate_player``) see a player's state on the user
page (one read-only line) and in the list of verifications;
they hold no model permission on ``AgeVerification``, so visibility follows
``can_moderate`` rather than ``view_ageverification``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_actions import ReasonForm, moderation_action
from accounts.age.moderation import (
    age_verification_reset,
    age_verification_revoke,
    date_of_birth_correct,
)
from accounts.age.selectors import AgeStatus, age_verification_status
from accounts.models import AgeVerification, User
from accounts.moderation import can_moderate, user_admin_action_register
from casino_club.kit.admin import ReadOnlyAdminMixin


def _may_see(request) -> bool:
    return request.user.is_superuser or can_moderate(request.user)


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def age_verification_summary(player: User) -> str:
    """One line for the user page: the state, since when, and whether it opens
    mature content (the row, with its IP address, is in the verification list)."""
    if player.pk is None:
        return "-"
    state = age_verification_status(player=player)
    if state["status"] == AgeStatus.UNVERIFIED:
        return gettext("Not verified")
    verification = AgeVerification.objects.get(player=player)
    attested = gettext("attested %(born)s on %(date)s") % {
        "born": formats.date_format(verification.date_of_birth),
        "date": _when(verification.verified_at),
    }
    if state["status"] == AgeStatus.REVOKED:
        return gettext("Revoked on %(date)s (%(attested)s)") % {
            "date": _when(verification.revoked_at),
            "attested": attested,
        }
    if state["mature_allowed"]:
        return gettext("Verified (%(attested)s); mature content allowed") % {"attested": attested}
    return gettext(
        "Verified (%(attested)s); under %(age)s, so no mature content until %(from)s"
    ) % {
        "attested": attested,
        "age": state["mature_min_age"],
        "from": formats.date_format(state["mature_allowed_from"]),
    }


@admin.register(AgeVerification)
class AgeVerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["player", "date_of_birth", "verified_at", "ip_address", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["player__nickname", "player__email"]
    date_hierarchy = "verified_at"
    list_select_related = ["player"]
    fields = ["player", "date_of_birth", "verified_at", "ip_address", "revoked_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:  # as on the user list: players only
            queryset = queryset.filter(player__is_staff=False, player__is_superuser=False)
        return queryset

    def has_view_permission(self, request, obj=None):
        return _may_see(request)

    def has_module_permission(self, request):
        return _may_see(request)


# --- the audited actions (on the user list, next to suspend and notify) ------


class DateOfBirthForm(ReasonForm):
    date_of_birth = forms.DateField(
        label=_("Corrected date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Any age verification is reset; the player attests again."),
    )
    field_order = ["date_of_birth", "reason"]


revoke_age_verification = user_admin_action_register(
    moderation_action(
        name="revoke_age_verification",
        description=_("Revoke age verification"),
        title=_("Revoke age verification"),
        form_class=ReasonForm,
        perform=lambda actor, player, data: age_verification_revoke(
            actor=actor, player=player, reason=data["reason"]
        ),
    )
)
reset_age_verification = user_admin_action_register(
    moderation_action(
        name="reset_age_verification",
        description=_("Reset age verification (the player may attest again)"),
        title=_("Reset age verification"),
        form_class=ReasonForm,
        perform=lambda actor, player, data: age_verification_reset(
            actor=actor, player=player, reason=data["reason"]
        ),
    )
)
_correct_date_of_birth = moderation_action(
    name="correct_date_of_birth",
    description=_("Correct date of birth"),
    title=_("Correct date of birth"),
    form_class=DateOfBirthForm,
    perform=lambda actor, player, data: date_of_birth_correct(
        actor=actor, player=player, date_of_birth=data["date_of_birth"], reason=data["reason"]
    ),
)


@user_admin_action_register
@admin.action(description=_("Correct date of birth"), permissions=["moderate"])
def correct_date_of_birth(modeladmin, request, queryset):
    # A date of birth belongs to one person: never set it on many at once.
    if queryset.count() != 1:
        modeladmin.message_user(
            request, _("Choose exactly one player to correct."), level=messages.WARNING
        )
        return None
    return _correct_date_of_birth(modeladmin, request, queryset)
