from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from economy.models import LedgerKind


class LedgerFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *LedgerKind.choices],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date must not be before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters for ``ledger_entries_for`` (empty ones left out)."""
        return {name: value for name, value in self.cleaned_data.items() if value}
