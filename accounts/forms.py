from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    ALWAYS_DELIVERED,
    PLAYER_LANGUAGES,
    NotificationKind,
    User,
    nickname_validator,
    time_zone_choices,
)
from accounts.services import date_of_birth_check
from casino_club.kit.errors import DomainError
from casino_club.kit.translated import language_base

# Names that mean something else on the site: leaderboards show opted-out
# players as "Anonymous", so nobody may call themselves that.
RESERVED_NICKNAMES = {"anonymous", "익명", "admin", "moderator", "system"}


def check_not_reserved(nickname: str) -> None:
    if nickname.casefold() in RESERVED_NICKNAMES:
        raise forms.ValidationError(_("That nickname is reserved."), code="nickname_taken")


def check_nickname_free(nickname: str, *, exclude_pk: int | None = None) -> None:
    check_not_reserved(nickname)
    taken = User.objects.filter(nickname__iexact=nickname)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise forms.ValidationError(_("That nickname is taken."), code="nickname_taken")


def check_date_of_birth(born: date) -> date:
    """The service's age gate as a form error (same rule, same message)."""
    try:
        return date_of_birth_check(born=born)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code) from error


class BirthDateField(forms.DateField):
    """A date written as text. allauth's headless sign-up hands the form the
    JSON body as it came, so a list or an object may arrive here; Django's
    DateField would call ``.strip()`` on it and answer 500."""

    def to_python(self, value):
        if value is not None and not isinstance(value, str | date):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def birth_date_field() -> forms.DateField:
    return BirthDateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        help_text=_("You must be at least %(age)s to play.") % {"age": settings.SITE_MIN_AGE},
    )


class SignupForm(forms.Form):
    """Extra signup fields; allauth mixes this into the page form, the headless
    JSON input and the social sign-up's completion form, so the same rules
    hold for browsers, app clients and players arriving from a provider."""

    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=24,
        min_length=2,
        validators=[nickname_validator],
        help_text=_("Shown to other players. 2 to 24 letters, digits, - or _."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    date_of_birth = birth_date_field()

    def clean_nickname(self) -> str:
        nickname = self.cleaned_data["nickname"]
        check_nickname_free(nickname)
        return nickname

    def clean_date_of_birth(self) -> date:
        return check_date_of_birth(self.cleaned_data["date_of_birth"])

    def signup(self, request, user) -> None:
        """Fields are saved in the adapter's ``save_user`` (``player_register``)."""


class PlayerCreationForm(AdminUserCreationForm):
    """The admin's "add user" form: a moderator adds a player the way signup
    does (nickname, checked date of birth, wallet via ``player_register``).
    Staff rights are granted afterwards on the change form."""

    nickname = SignupForm.base_fields["nickname"]
    date_of_birth = birth_date_field()

    class Meta:
        model = User
        fields = ("email", "nickname", "date_of_birth")

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean_nickname(self) -> str:
        nickname = self.cleaned_data["nickname"]
        check_nickname_free(nickname)
        return nickname

    def clean_date_of_birth(self) -> date:
        return check_date_of_birth(self.cleaned_data["date_of_birth"])


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=PLAYER_LANGUAGES,
        required=False,
        help_text=_("Pages, notifications and emails use it."),
    )

    class Meta:
        model = User
        fields = ["nickname", "time_zone", "language", "show_on_leaderboards"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.language:
            # Not chosen yet: offer the language the page is in.
            self.initial["language"] = language_base(get_language())

    def clean_language(self) -> str:
        # A form without the field (an older page, the API) keeps the choice.
        return self.cleaned_data["language"] or self.instance.language

    def clean_nickname(self) -> str:
        nickname = self.cleaned_data["nickname"]
        check_nickname_free(nickname, exclude_pk=self.instance.pk)
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
    marketing_opt_in = forms.BooleanField(
        label=_("Send me reminders and news"),
        required=False,
        help_text=_(
            "An occasional reminder when you have been away, and news about limited-time "
            "events. Rewards you earn and messages from moderators always arrive."
        ),
    )
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
