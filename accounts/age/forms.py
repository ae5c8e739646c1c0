from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AgeAttestationForm(forms.Form):
    """The page's attestation; the service checks the date (gate, signup date)."""

    date_of_birth = forms.DateField(
        label=_("Your date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=_("The same date you gave when you signed up."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that this is my real date of birth."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
