from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    ALWAYS_DELIVERED,
    NotificationKind,
    User,
    nickname_validator,
    time_zone_choices,
)

# Names that mean something else on the site: leaderboards show opted-out
# players as "Anonymous", so nobody may call themselves that.
RESERVED_NICKNAMES = {"anonymous", "익명", "admin", "moderator", "system"}


def check_not_reserved(nickname: str) -> None:
    if nickname.casefold() in RESERVED_NICKNAMES:
        raise forms.ValidationError(_("That nickname is reserved."), code="nickname_taken")


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class SignupForm(forms.Form):
    """Extra signup fields; allauth mixes this into both the page form and the
    headless JSON input, so the same rules hold for browsers and app clients."""

    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=24,
        min_length=2,
        validators=[nickname_validator],
        help_text=_("Shown to other players. 2 to 24 letters, digits, - or _."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        help_text=_("You must be at least %(age)s to play.") % {"age": settings.SITE_MIN_AGE},
    )

    def clean_nickname(self) -> str:
        nickname = self.cleaned_data["nickname"]
        check_not_reserved(nickname)
        if User.objects.filter(nickname__iexact=nickname).exists():
            raise forms.ValidationError(_("That nickname is taken."), code="nickname_taken")
        return nickname

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today or born.year < 1900:
            raise forms.ValidationError(_("Enter a real date of birth."), code="invalid_date")
        if age_on(born, today) < settings.SITE_MIN_AGE:
            raise forms.ValidationError(
                _("You must be at least %(age)s years old to join.")
                % {"age": settings.SITE_MIN_AGE},
                code="too_young",
            )
        return born

    def signup(self, request, user) -> None:
        """Fields are set in the adapter's ``save_user``, before the first save."""


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["nickname", "time_zone", "show_on_leaderboards"]

    def clean_nickname(self) -> str:
        nickname = self.cleaned_data["nickname"]
        check_not_reserved(nickname)
        taken = User.objects.filter(nickname__iexact=nickname).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("That nickname is taken."), code="nickname_taken")
        return nickname


class NotificationPreferencesForm(forms.Form):
    muted_kinds = forms.MultipleChoiceField(
        label=_("Don't notify me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (kind.value, kind.label) for kind in NotificationKind if kind not in ALWAYS_DELIVERED
        ],
    )
    email_enabled = forms.BooleanField(label=_("Also send notifications by email"), required=False)
    quiet_start = forms.TimeField(
        label=_("Quiet hours start"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("In your time zone. No reminders or emails during quiet hours."),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours end"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self):
        data = super().clean()
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(
                _("Give both the start and the end of quiet hours, or neither.")
            )
        return data
